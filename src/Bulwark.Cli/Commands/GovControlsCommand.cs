using System.CommandLine;
using Bulwark.Governance.Catalogs;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark gov controls [--framework ID] [--import FILE]</c>: the bundled governance frameworks and which rules and
/// gateway guards cover each control (docs/governance-controls.md). Exit 0, or 2 on bad input (an unknown framework).
/// </summary>
internal static class GovControlsCommand
{
    private const int TitleWidth = 70;

    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var framework = new Option<string?>("--framework") { Description = "The framework to list (nist-ai-rmf, nist-ai-600-1, eu-ai-act, iso-42001, owasp-llm-2025, owasp-agentic-2026, mitre-atlas); without it, a summary of all" };
        var import = new Option<string?>("--import") { Description = "A full-text file for the framework (ATLAS.yaml, NIST AI RMF core JSON/CSV, NIST 600-1 actions YAML/CSV, OWASP YAML/CSV, or a CSV id,title,description)" };
        var format = new Option<string>("--format", "-f") { Description = "Output: table, json, md or html", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md", "html");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var command = new Command("controls", "List governance framework controls (NIST AI RMF, NIST AI 600-1, EU AI Act, ISO/IEC 42001, OWASP, MITRE ATLAS) and the rules and guards that cover them")
        {
            framework, import, format, output,
        };
        command.SetAction(parse =>
        {
            var id = parse.GetValue(framework);
            var file = parse.GetValue(import);
            if (file is not null && id is null) throw new BulwarkInputException("--import needs --framework: the framework the file's texts belong to");
            var catalog = file is null ? FrameworkCatalog.Embedded : FrameworkCatalog.Embedded.WithImport(id!, file);
            var rules = RuleCatalog.Load(includeNer: true).Rules;
            if (id is null)
                WriteSummary(ControlCoverage.ForAll(catalog, rules), parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, rawStdout);
            else
                WriteFramework(ControlCoverage.For(catalog, catalog.Get(id), rules), parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, rawStdout);
            return ExitCodes.Clean;
        });
        return command;
    }

    private static void WriteFramework(ControlCoverageReport report, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout) =>
        ReportOutput.Deliver(format, output, stdout, stderr, rawStdout, ControlCoverageWriter.Verdict(report), console => Render(report, console),
            s => ControlCoverageWriter.WriteJson(report, s, ToolVersion.Current), w => ControlCoverageWriter.WriteMarkdown(report, w), w => ControlCoverageWriter.WriteHtml(report, w));

    private static void WriteSummary(IReadOnlyList<ControlCoverageReport> reports, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout) =>
        ReportOutput.Deliver(format, output, stdout, stderr, rawStdout, $"{reports.Count} frameworks", console => Render(reports, console),
            s => ControlCoverageWriter.WriteJson(reports, s, ToolVersion.Current), w => ControlCoverageWriter.WriteMarkdown(reports, w), w => ControlCoverageWriter.WriteHtml(reports, w));

    private static readonly string[] ObligationKeys = ["role", "tier", "applies-from"];

    private static void Render(ControlCoverageReport report, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[bold]{report.Framework.Name}[/] ({report.Framework.Version})");
        // EU AI Act obligations carry who they bind, for which tier, and from when.
        var obligations = report.Entries.Any(e => e.Control.Attributes.ContainsKey("applies-from"));
        var table = obligations ? new Table().AddColumns("Id", "Title", "Role", "Tier", "Applies from", "Covered by") : new Table().AddColumns("Id", "Title", "Covered by");
        foreach (var entry in report.Entries)
        {
            var title = entry.Control.Title.Length > TitleWidth ? entry.Control.Title[..(TitleWidth - 1)] + "…" : entry.Control.Title;
            var coveredBy = Markup.Escape(ControlCoverageWriter.CoveredBy(entry));
            List<string> cells = [Markup.Escape(entry.Control.Id), Markup.Escape(title)];
            if (obligations)
                cells.AddRange(ObligationKeys.Select(key => Markup.Escape(entry.Control.Attributes.GetValueOrDefault(key) ?? "")));
            cells.Add(entry.Covered ? coveredBy : $"[grey]{coveredBy}[/]");
            table.AddRow([.. cells]);
        }
        console.Write(table);
        console.MarkupLineInterpolated($"{ControlCoverageWriter.Verdict(report)}");
    }

    private static void Render(IReadOnlyList<ControlCoverageReport> reports, IAnsiConsole console)
    {
        var table = new Table().AddColumns("Framework", "Name", "Version", "Items", "Controls", "Covered");
        foreach (var r in reports)
        {
            table.AddRow(Markup.Escape(r.Framework.Id), Markup.Escape(r.Framework.Name), Markup.Escape(r.Framework.Version),
                r.Framework.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{r.CoveredCount} ({ControlCoverageWriter.Percent(r.Share)})");
        }
        console.Write(table);
        console.MarkupLine("[grey]bulwark gov controls --framework ID lists one framework's controls and what covers them.[/]");
    }

}
