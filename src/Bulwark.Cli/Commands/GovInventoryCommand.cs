using System.CommandLine;
using Bulwark.Governance.Inventory;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark gov inventory [PATH]</c>: the declared AI systems (<c>ai-inventory.yaml</c>) reconciled with the AI use
/// discovered in the project, a shadow-AI report and a gateway configuration (docs/governance-inventory.md).
/// Exit 0, or 1 with <c>--fail-on-undeclared</c> when some use is undeclared; 2 on bad input.
/// </summary>
internal static class GovInventoryCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var path = new Argument<string?>("PATH") { Description = "The project to search for AI use (default: the current directory, unless only --discover-report or --gateway-config is given)", Arity = ArgumentArity.ZeroOrOne };
        var inventory = new Option<string?>("--inventory") { Description = "The declared systems (default: PATH/ai-inventory.yaml when it exists)" };
        var discoverReport = new Option<string?>("--discover-report") { Description = "A 'bulwark discover --format json' report: AI services seen in network logs" };
        var gatewayConfig = new Option<string?>("--gateway-config") { Description = "A gateway configuration (gateway.yaml): the models it routes" };
        var gatewayDb = new Option<string?>("--gateway-db") { Description = "The gateway's database (SQLite file, postgres://…, or env:VAR): the models called through it in the last 30 days, by key and team" };
        var format = new Option<string>("--format", "-f") { Description = "Output: table, json, md or html", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md", "html");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var failOnUndeclared = new Option<bool>("--fail-on-undeclared") { Description = "Exit 1 when some AI use is declared by no system" };
        var command = new Command("inventory", "Reconcile the declared AI systems (ai-inventory.yaml) with the AI use found in code, model files, network logs and the gateway: declared, undeclared, not observed")
        {
            path, inventory, discoverReport, gatewayConfig, gatewayDb, format, output, failOnUndeclared,
        };
        command.SetAction(parse =>
        {
            var report = parse.GetValue(discoverReport);
            var gateway = parse.GetValue(gatewayConfig);
            var database = parse.GetValue(gatewayDb);
            var project = parse.GetValue(path) ?? (report is null && gateway is null && database is null ? "." : null);
            var inventoryFile = parse.GetValue(inventory);
            if (inventoryFile is null && project is not null && Directory.Exists(project))
            {
                var candidate = Path.Combine(project, AiInventoryReader.FileName);
                if (File.Exists(candidate)) inventoryFile = candidate;
            }
            var declared = inventoryFile is null ? null : AiInventoryReader.ReadFile(inventoryFile);
            if (declared is null) stderr.MarkupLine($"[yellow]No {AiInventoryReader.FileName} found (--inventory FILE names one): every AI use found is undeclared.[/]");

            var uses = new List<DiscoveredAiUse>();
            if (project is not null) uses.AddRange(InventoryDiscovery.FromProject(project));
            if (report is not null) uses.AddRange(InventoryDiscovery.FromDiscoverReport(report));
            var routes = gateway is null ? [] : InventoryDiscovery.FromGatewayConfig(gateway);
            uses.AddRange(routes);
            if (database is not null)
            {
                var traffic = GatewayEvidence.Read(database);
                uses.AddRange(InventoryDiscovery.FromGatewayTraffic(traffic.Calls, traffic.Source, routes));
            }
            var result = InventoryReconciler.Reconcile(declared, uses);
            Write(result, parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, rawStdout);
            return parse.GetValue(failOnUndeclared) && result.HasUndeclared ? ExitCodes.Findings : ExitCodes.Clean;
        });
        return command;
    }

    private static void Write(InventoryReport report, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout) =>
        ReportOutput.Deliver(format, output, stdout, stderr, rawStdout, InventoryReportWriter.Verdict(report), console => Render(report, console),
            s => InventoryReportWriter.WriteJson(report, s, ToolVersion.Current), w => InventoryReportWriter.WriteMarkdown(report, w), w => InventoryReportWriter.WriteHtml(report, w));

    private static void Render(InventoryReport report, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[bold]AI inventory[/]: {report.InventoryPath ?? "(no inventory file)"}");
        var table = new Table().AddColumns("Status", "System or provider", "Risk tier", "Owner", "Uses", "Where");
        foreach (var entry in report.Entries)
        {
            var status = entry.Status switch
            {
                InventoryStatus.Undeclared => "[bold red]UNDECLARED[/]",
                InventoryStatus.Declared => "[green]declared[/]",
                _ => "[yellow]not observed[/]",
            };
            var name = entry.Declared is { } system ? $"{Markup.Escape(entry.Name)} [grey]({Markup.Escape(system.Id)})[/]" : $"[bold]{Markup.Escape(entry.Name)}[/]";
            table.AddRow(status, name, Markup.Escape(InventoryReportWriter.Tier(entry)), Markup.Escape(entry.Declared?.Owner ?? ""),
                entry.Discovered.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(InventoryReportWriter.Places(entry)));
        }
        console.Write(table);
        foreach (var entry in report.Undeclared)
        {
            console.MarkupLineInterpolated($"[red]Undeclared[/] [bold]{entry.Name}[/]:");
            foreach (var use in entry.Discovered) console.MarkupLineInterpolated($"  {InventoryReportWriter.SourceName(use.Source)} {InventoryReportWriter.Where(use)}  {use.Evidence}");
        }
        var colour = report.HasUndeclared ? "red" : "green";
        console.MarkupLine($"[{colour}]{Markup.Escape(InventoryReportWriter.Verdict(report))}[/]");
    }

}
