using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Gateway.Keys;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Admin;

/// <summary>
/// <c>/admin/teams</c>: create, list, read, change and delete team rows (limits and a guard policy shared by the
/// team's keys), and the team's usage today. Deleting a team leaves its keys working without team limits.
/// </summary>
public sealed class AdminTeamsEndpoint(TeamStore teams, DailyTokenUsage usage, GatewayOptions options, GuardPolicies policies)
{
    private static readonly string[] CreateFields = [AccessChanges.NameField, .. AccessChanges.SharedFields];

    public async Task CreateAsync(HttpContext context)
    {
        if (await AdminHttp.ReadAsync(context).ConfigureAwait(false) is not { } body) return;
        var errors = new List<string>();
        var changes = AccessChanges.Read(body, CreateFields, options, policies, errors);
        if (!changes.Name.IsSet && !body.ContainsKey(AccessChanges.NameField)) errors.Add($"'{AccessChanges.NameField}': required");
        if (errors.Count > 0)
        {
            await AdminHttp.InvalidAsync(context, errors).ConfigureAwait(false);
            return;
        }
        var team = teams.Create(changes.Name.Value, changes.Models.Or([]), changes.RequestsPerMinute.Value, changes.TokensPerMinute.Value,
            changes.BudgetTokensPerDay.Value, changes.GuardPolicy.Value);
        if (team is null)
        {
            await OpenAIErrors.InvalidRequest(context, 409, "team_exists", $"The team '{changes.Name.Value}' exists already (PATCH /admin/teams/{{name}} changes it).").ConfigureAwait(false);
            return;
        }
        await AdminHttp.WriteAsync(context, 201, AccessJson.Team(team)).ConfigureAwait(false);
    }

    public Task ListAsync(HttpContext context) => AdminHttp.WriteAsync(context, 200, AccessJson.List(teams.List().Select(AccessJson.Team)));

    public Task GetAsync(HttpContext context, string name) =>
        teams.Get(name) is { } team ? AdminHttp.WriteAsync(context, 200, AccessJson.Team(team)) : NotFoundAsync(context, name);

    public async Task UpdateAsync(HttpContext context, string name)
    {
        if (await AdminHttp.ReadAsync(context).ConfigureAwait(false) is not { } body) return;
        var errors = new List<string>();
        var changes = AccessChanges.Read(body, AccessChanges.SharedFields, options, policies, errors);
        if (errors.Count > 0)
        {
            await AdminHttp.InvalidAsync(context, errors).ConfigureAwait(false);
            return;
        }
        if (teams.Get(name) is not { } team || !teams.Update(changes.ApplyTo(team)))
        {
            await NotFoundAsync(context, name).ConfigureAwait(false);
            return;
        }
        await AdminHttp.WriteAsync(context, 200, AccessJson.Team(teams.Get(name)!)).ConfigureAwait(false);
    }

    public Task DeleteAsync(HttpContext context, string name)
    {
        if (teams.Get(name) is not { } team || !teams.Delete(name)) return NotFoundAsync(context, name);
        return AdminHttp.WriteAsync(context, 200, AccessJson.Team(team));
    }

    /// <summary>Any team name answers (keys may name a team without a row); the budget is the row's, if any.</summary>
    public Task UsageAsync(HttpContext context, string name)
    {
        var json = AccessJson.Usage(usage.UsedToday(DailyTokenUsage.TeamSubject(name)), teams.Get(name)?.BudgetTokensPerDay);
        json["name"] = name;
        json["day"] = usage.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        json["resets_in_seconds"] = (long)Math.Ceiling(usage.UntilReset.TotalSeconds);
        return AdminHttp.WriteAsync(context, 200, json);
    }

    private static Task NotFoundAsync(HttpContext context, string name) =>
        AdminHttp.NotFoundAsync(context, "team_not_found", $"No team '{AdminHttp.Shown(name)}' (GET /admin/teams lists them).");
}
