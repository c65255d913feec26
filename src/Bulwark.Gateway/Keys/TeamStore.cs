using Bulwark.Gateway.Storage;
using System.Data.Common;

namespace Bulwark.Gateway.Keys;

/// <summary>
/// Creates, reads, changes and deletes team rows. Deleting a team leaves its keys working, as keys of a team without
/// a policy; the gateway reads the row with each key, so changes apply from the next request.
/// </summary>
public sealed class TeamStore(GatewayDatabase database, TimeProvider time)
{
    private const string Columns = "name, models, rpm, tpm, budget_tokens_per_day, guard_policy, created_ms";

    /// <summary>Creates the team; null when a team of that name exists.</summary>
    public TeamPolicy? Create(string name, IReadOnlyList<string> models, int? requestsPerMinute, int? tokensPerMinute, long? budgetTokensPerDay, string? guardPolicy)
    {
        var team = new TeamPolicy(name, models, requestsPerMinute, tokensPerMinute, budgetTokensPerDay, guardPolicy, time.GetUtcNow());
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO teams (" + Columns + ") VALUES (@name, @models, @rpm, @tpm, @budget, @policy, @created) ON CONFLICT (name) DO NOTHING";
        command.AddParameter("@created", team.Created.ToUnixTimeMilliseconds());
        AddSettings(command, team);
        return database.ExecuteAccessChange(command) == 1 ? team : null;
    }

    public TeamPolicy? Get(string name)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + Columns + " FROM teams WHERE name = @name";
        command.AddParameter("@name", name);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader, 0) : null;
    }

    public IReadOnlyList<TeamPolicy> List()
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + Columns + " FROM teams ORDER BY name";
        using var reader = command.ExecuteReader();
        var teams = new List<TeamPolicy>();
        while (reader.Read()) teams.Add(Read(reader, 0));
        return teams;
    }

    /// <summary>Stores the team's models, limits and guard policy; false when no team has its name.</summary>
    public bool Update(TeamPolicy team)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE teams SET models = @models, rpm = @rpm, tpm = @tpm, budget_tokens_per_day = @budget, guard_policy = @policy WHERE name = @name";
        AddSettings(command, team);
        return database.ExecuteAccessChange(command) == 1;
    }

    /// <summary>Deletes the team's row (its keys keep working without team limits); false when there is none.</summary>
    public bool Delete(string name)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM teams WHERE name = @name";
        command.AddParameter("@name", name);
        return database.ExecuteAccessChange(command) == 1;
    }

    internal static IReadOnlyList<string> SplitModels(string models) => models.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A team from the seven team columns starting at <paramref name="at"/> (also used by the key store's join).</summary>
    internal static TeamPolicy Read(DbDataReader reader, int at) => new(
        reader.GetString(at),
        SplitModels(reader.GetString(at + 1)),
        reader.NullableWhole(at + 2),
        reader.NullableWhole(at + 3),
        reader.NullableNumber(at + 4),
        reader.NullableString(at + 5),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.Number(at + 6)));

    private static void AddSettings(DbCommand command, TeamPolicy team)
    {
        command.AddParameter("@name", team.Name);
        command.AddParameter("@models", string.Join(',', team.Models));
        command.AddParameter("@rpm", team.RequestsPerMinute);
        command.AddParameter("@tpm", team.TokensPerMinute);
        command.AddParameter("@budget", team.BudgetTokensPerDay);
        command.AddParameter("@policy", team.GuardPolicy);
    }
}
