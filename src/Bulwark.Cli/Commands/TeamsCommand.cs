using System.CommandLine;
using System.Globalization;
using Bulwark.Gateway.Admin;
using Bulwark.Gateway.Keys;
using Bulwark.Kernel;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark teams create|list|update|delete</c>: team rows in the gateway's database, whose models, limits, daily
/// budget and guard policy apply to all the team's keys (limits shared). A key's team needs no row.
/// </summary>
internal static class TeamsCommand
{
    public static Command Create(IAnsiConsole stdout, TextWriter rawStdout, TextWriter stderr)
    {
        var createName = new Argument<string>("name") { Description = "The team's name, as keys give it with --team" };
        var limits = new AccessLimitOptions("The team's");
        var create = new Command("create", "Give a team limits and a guard policy shared by all its keys") { GatewayCommand.Config, GatewayCommand.Database, createName, GatewayCommand.Json };
        limits.AddTo(create);
        create.SetAction(parse =>
        {
            var name = GatewayCommand.TeamName(parse.GetValue(createName)!);
            var settings = limits.Read(parse, stderr);
            var team = Store(parse).Create(name, settings.Models.Or([]), settings.RequestsPerMinute.Value, settings.TokensPerMinute.Value, settings.BudgetTokensPerDay.Value, settings.GuardPolicy.Value)
                ?? throw new BulwarkInputException($"team '{name}' exists already ('bulwark teams update {name} …' changes it)");
            Report(parse, rawStdout, stderr, team, "created");
            return ExitCodes.Clean;
        });

        var list = new Command("list", "List teams with their models, limits and guard policy") { GatewayCommand.Config, GatewayCommand.Database, GatewayCommand.Json };
        list.SetAction(parse =>
        {
            var teams = Store(parse).List();
            if (parse.GetValue(GatewayCommand.Json))
            {
                foreach (var team in teams) rawStdout.WriteLine(AccessJson.Team(team).ToJsonString());
                return ExitCodes.Clean;
            }
            var table = new Table().AddColumns("team", "models", "rpm", "tpm", "tokens/day", "guard policy", "created");
            foreach (var t in teams)
            {
                table.AddRow(Markup.Escape(t.Name), Markup.Escape(AccessLimitOptions.Shown(t.Models)), AccessLimitOptions.Shown(t.RequestsPerMinute), AccessLimitOptions.Shown(t.TokensPerMinute),
                    AccessLimitOptions.Shown(t.BudgetTokensPerDay), Markup.Escape(t.GuardPolicy ?? "-"), t.Created.ToString("u", CultureInfo.InvariantCulture));
            }
            stdout.Write(table);
            return ExitCodes.Clean;
        });

        var updateName = new Argument<string>("name") { Description = "The team's name" };
        var changes = new AccessLimitOptions("The team's", clearable: true);
        var update = new Command("update", "Change a team's models, limits or guard policy (from the gateway's next request)") { GatewayCommand.Config, GatewayCommand.Database, updateName, GatewayCommand.Json };
        changes.AddTo(update);
        update.SetAction(parse =>
        {
            var name = parse.GetValue(updateName)!;
            var settings = changes.Read(parse, stderr);
            var store = Store(parse);
            var team = store.Get(name) ?? throw NoTeam(name);
            var changed = team with
            {
                Models = settings.Models.Or(team.Models),
                RequestsPerMinute = settings.RequestsPerMinute.Or(team.RequestsPerMinute),
                TokensPerMinute = settings.TokensPerMinute.Or(team.TokensPerMinute),
                BudgetTokensPerDay = settings.BudgetTokensPerDay.Or(team.BudgetTokensPerDay),
                GuardPolicy = settings.GuardPolicy.Or(team.GuardPolicy),
            };
            if (!store.Update(changed)) throw NoTeam(name);
            Report(parse, rawStdout, stderr, changed, "updated");
            return ExitCodes.Clean;
        });

        var deleteName = new Argument<string>("name") { Description = "The team's name" };
        var delete = new Command("delete", "Delete a team's row; its keys keep working, without team limits") { GatewayCommand.Config, GatewayCommand.Database, deleteName };
        delete.SetAction(parse =>
        {
            var name = parse.GetValue(deleteName)!;
            if (!Store(parse).Delete(name)) throw NoTeam(name);
            stderr.WriteLine($"bulwark: deleted team '{name}' (its keys now have no team limits)");
            return ExitCodes.Clean;
        });
        return new Command("teams", "Gateway teams: limits, budgets and guard policies shared by a team's keys") { create, list, update, delete };
    }

    private static void Report(ParseResult parse, TextWriter rawStdout, TextWriter stderr, TeamPolicy team, string what)
    {
        if (parse.GetValue(GatewayCommand.Json)) rawStdout.WriteLine(AccessJson.Team(team).ToJsonString());
        else stderr.WriteLine($"bulwark: {what} team '{team.Name}'");
    }

    private static BulwarkInputException NoTeam(string name) => new($"no team '{name}' (see 'bulwark teams list')");

    private static TeamStore Store(ParseResult parse) => new(GatewayCommand.Open(parse), TimeProvider.System);
}
