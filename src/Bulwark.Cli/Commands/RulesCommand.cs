using System.CommandLine;
using Bulwark.Data;
using Bulwark.Infra;
using Bulwark.Kernel;
using Bulwark.Reporting;
using Bulwark.Text;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark rules list|verify|docs</c>: see and check the rules in force.</summary>
internal static class RulesCommand
{
    public static Command Create(IAnsiConsole console, TextWriter stdout)
    {
        var rules = new Command("rules", "List, verify and document the detection rules");
        rules.Subcommands.Add(List(console, stdout));
        rules.Subcommands.Add(Verify(console));
        rules.Subcommands.Add(Docs(console));
        return rules;
    }

    private static Command List(IAnsiConsole console, TextWriter stdout)
    {
        var json = new Option<bool>("--json") { Description = "Write the list as JSON on stdout" };
        var family = new Option<string?>("--family") { Description = "Only rules of this family (e.g. secret)" };
        var command = new Command("list", "List the enabled rules") { json, family };
        CommonOptions.AddRuleOptions(command);
        command.SetAction(parse =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            var selected = catalog.Rules.Where(r => parse.GetValue(family) is not { } f || r.Family.Equals(f, StringComparison.OrdinalIgnoreCase)).ToList();
            if (parse.GetValue(json))
            {
                JsonReportWriter.WriteRuleList(selected, stdout);
                return ExitCodes.Clean;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Id", "Name", "Severity", "Family", "Tags");
            foreach (var rule in selected)
            {
                table.AddRow(Markup.Escape(rule.Id), Markup.Escape(rule.Name), Render.Severity(rule.Severity), Markup.Escape(rule.Family), Markup.Escape(string.Join(' ', rule.Tags)));
            }
            console.Write(table);
            console.MarkupLine($"[bold]{selected.Count}[/] rules in {catalog.Packs.Count} packs ({catalog.Disabled.Count} disabled)");
            return ExitCodes.Clean;
        });
        return command;
    }

    private static Command Verify(IAnsiConsole console)
    {
        var command = new Command("verify", "Compile every rule and run its must-match / must-not-match self-tests");
        CommonOptions.AddRuleAndNerOptions(command);
        command.SetAction(parse =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            // A pattern that does not compile, or an unknown detector, is an input error (exit 2), not a failed test.
            using var ner = CommonOptions.LoadNerModel(parse);
            _ = new TextDetector(catalog.Rules, ScanLimits.Default, TimeProvider.System, ner);
            var failures = RuleVerifier.Verify(catalog.Rules, ner: ner).Concat(InfraRuleVerifier.Verify(catalog.Rules)).ToList();
            foreach (var failure in failures)
            {
                console.MarkupLine($"[red]FAIL[/] {Markup.Escape(failure.RuleId)} ({Markup.Escape(failure.Source)}): {Markup.Escape(failure.Problem)}{(failure.Sample.Length > 0 ? ": " + Markup.Escape(failure.Sample) : "")}");
            }
            var samples = catalog.Rules.Sum(r => r.MustMatch.Count + r.MustNotMatch.Count);
            console.MarkupLine(failures.Count == 0
                ? $"[green]OK[/] {catalog.Rules.Count} rules, {samples} self-tests passed"
                : $"[red]{failures.Count} self-test failures[/] in {failures.Select(f => f.RuleId).Distinct().Count()} of {catalog.Rules.Count} rules");
            return failures.Count == 0 ? ExitCodes.Clean : ExitCodes.Findings;
        });
        return command;
    }

    private static Command Docs(IAnsiConsole console)
    {
        var output = new Option<string>("--output", "-o") { Description = "Directory for the generated pages", DefaultValueFactory = _ => "docs/rules" };
        var command = new Command("docs", "Generate one Markdown page per rule, and an index, from the packs") { output };
        CommonOptions.AddRuleOptions(command);
        command.SetAction(parse =>
        {
            // Every shipped rule gets a page, the optional NER pack's too.
            var catalog = CommonOptions.LoadCatalog(parse, includeNer: true);
            var written = RuleDocsGenerator.Write(catalog.Rules, parse.GetValue(output)!);
            console.MarkupLine($"Wrote [bold]{written}[/] pages to {Markup.Escape(parse.GetValue(output)!)}");
            return ExitCodes.Clean;
        });
        return command;
    }
}
