using System.CommandLine;
using System.Globalization;
using System.Text;
using Bulwark.Governance.Drift;
using Bulwark.Kernel;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark gov drift --reference A --current B</c>: data and prompt drift between two CSV/JSONL/Parquet datasets
/// (docs/governance-drift.md). Exit 1 when the dataset drifted, 0 when not, 2 on bad input.
/// </summary>
internal static class GovDriftCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var reference = new Option<string>("--reference") { Description = "The reference (baseline) dataset: .csv, .jsonl or .parquet", Required = true };
        var current = new Option<string>("--current") { Description = "The current dataset to compare with the reference", Required = true };
        var columns = new Option<string?>("--columns") { Description = "Compare only these columns (comma-separated; default: every column both datasets hold)" };
        var format = new Option<string>("--format", "-f") { Description = "Output: table, json, md or html", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md", "html");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var maxRows = new Option<int>("--max-rows") { Description = "Rows read from each dataset (default 1,000,000)", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("drift", "Compare a current dataset with a reference: KS, chi-square, PSI, Jensen-Shannon, Wasserstein per column, text drift for prompts; exit 1 when the dataset drifted")
        {
            reference, current, columns, format, output, maxRows,
        };
        command.SetAction(parse =>
        {
            var subset = parse.GetValue(columns)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var options = new TabularReadOptions { MaxRows = parse.GetValue(maxRows) };
            var report = DriftAnalyzer.Compare(parse.GetValue(reference)!, parse.GetValue(current)!, subset, options);
            Write(report, parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, rawStdout);
            return report.Drifted ? ExitCodes.Findings : ExitCodes.Clean;
        });
        return command;
    }

    private static void Write(DriftReport report, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout) =>
        ReportOutput.Deliver(format, output, stdout, stderr, rawStdout, DriftReportWriter.Verdict(report), console => Render(report, console),
            s => DriftReportWriter.WriteJson(report, s, ToolVersion.Current), w => DriftReportWriter.WriteMarkdown(report, w), w => DriftReportWriter.WriteHtml(report, w));

    private static void Render(DriftReport report, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[bold]Drift[/]: {report.Reference} ({report.ReferenceRows.ToString("N0", CultureInfo.InvariantCulture)} rows) → {report.Current} ({report.CurrentRows.ToString("N0", CultureInfo.InvariantCulture)} rows)");
        var table = new Table().AddColumns("Column", "Kind", "Test", "Statistic", "p-value", "Rule", "Drift");
        foreach (var column in report.Columns)
        {
            if (!column.Evaluated)
            {
                table.AddRow(Markup.Escape(column.Name), column.Kind.ToString().ToLowerInvariant(), "—", "—", "—", Markup.Escape(column.Note ?? ""), "no");
                continue;
            }
            foreach (var test in column.Tests)
            {
                var drift = test.Drifted ? "[red]yes[/]" : "no";
                table.AddRow(Markup.Escape(column.Name), column.Kind.ToString().ToLowerInvariant(), test.Decisive ? $"[bold]{test.Name}[/] *" : test.Name,
                    DriftReportWriter.F(test.Statistic), DriftReportWriter.F(test.PValue), Markup.Escape(test.Rule), drift);
            }
        }
        console.Write(table);
        foreach (var column in report.Columns.Where(c => c.Text is not null))
        {
            console.MarkupLineInterpolated($"[bold]{column.Name}[/] rising: {string.Join(", ", column.Text!.Rising.Select(k => k.Token))}");
            console.MarkupLineInterpolated($"[bold]{column.Name}[/] falling: {string.Join(", ", column.Text!.Falling.Select(k => k.Token))}");
        }
        if (report.SkippedColumns.Count > 0) console.MarkupLineInterpolated($"[grey]Not compared (in one dataset only): {string.Join(", ", report.SkippedColumns)}[/]");
        var colour = report.Drifted ? "red" : "green";
        console.MarkupLine($"[{colour}]{Markup.Escape(DriftReportWriter.Verdict(report))}[/] (* = the deciding test)");
    }

}
