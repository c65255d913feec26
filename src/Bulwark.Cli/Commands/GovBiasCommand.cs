using System.CommandLine;
using System.Globalization;
using System.Text;
using Bulwark.Governance.Bias;
using Bulwark.Kernel;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark gov bias</c>: fairness metrics of a model's decisions per sensitive group (docs/governance-bias.md).
/// The library computes (<see cref="BiasAnalyzer"/>); this parses options and renders.
/// </summary>
internal static class GovBiasCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var data = new Option<string>("--data") { Description = "CSV (with a header) or JSONL (.jsonl/.ndjson/.json) data set", Required = true };
        var sensitive = new Option<string>("--sensitive") { Description = "Sensitive column(s), comma-separated; several also give intersectional groups", Required = true };
        var label = new Option<string>("--label") { Description = "Column of the true outcome (binary)", Required = true };
        var prediction = new Option<string>("--prediction") { Description = "Column of the model's decision (binary)", Required = true };
        var positive = new Option<string?>("--positive") { Description = "Value of the positive class (default: 1/true/yes positive, 0/false/no negative)" };
        var minGroupSize = new Option<int>("--min-group-size") { Description = "Groups smaller than this are reported but not judged", DefaultValueFactory = _ => BiasThresholds.Default.MinGroupSize };
        var minImpact = new Option<double>("--min-disparate-impact") { Description = "Fail when a group's disparate impact is below this (four-fifths rule)", DefaultValueFactory = _ => BiasThresholds.Default.MinDisparateImpact };
        var maxOdds = new Option<double>("--max-equalised-odds") { Description = "Fail when the equalised odds difference is above this", DefaultValueFactory = _ => BiasThresholds.Default.MaxEqualisedOddsDifference };
        var maxRows = new Option<long>("--max-rows") { Description = "Refuse data sets with more rows than this", DefaultValueFactory = _ => BiasReadLimits.Default.MaxRows };
        var format = new Option<string>("--format", "-f") { Description = "Output: table, json, md or html", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md", "html");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var command = new Command("bias", "Demographic parity, disparate impact (four-fifths rule), equal opportunity and equalised odds per group and intersection; exit 1 when the verdict fails")
        {
            data, sensitive, label, prediction, positive, minGroupSize, minImpact, maxOdds, maxRows, format, output,
        };
        command.SetAction((parse, _) =>
        {
            var sensitiveColumns = parse.GetValue(sensitive)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (sensitiveColumns.Length == 0) throw new BulwarkInputException("--sensitive names no column");
            if (parse.GetValue(maxRows) < 1) throw new BulwarkInputException("--max-rows must be at least 1");
            var columns = new BiasColumns(sensitiveColumns, parse.GetValue(label)!, parse.GetValue(prediction)!, parse.GetValue(positive));
            var thresholds = new BiasThresholds
            {
                MinGroupSize = parse.GetValue(minGroupSize),
                MinDisparateImpact = parse.GetValue(minImpact),
                MaxEqualisedOddsDifference = parse.GetValue(maxOdds),
            };
            thresholds.Validate();
            var path = parse.GetValue(data)!;
            var counts = BiasDataReader.Read(path, columns, new BiasReadLimits { MaxRows = parse.GetValue(maxRows) });
            var report = BiasAnalyzer.Analyse(counts, columns, thresholds, path);
            Write(report, parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, rawStdout);
            return Task.FromResult(report.Verdict == BiasVerdict.Fail ? ExitCodes.Findings : ExitCodes.Clean);
        });
        return command;
    }

    private static void Write(BiasReport report, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout) =>
        ReportOutput.Deliver(format, output, stdout, stderr, rawStdout, $"bias verdict {BiasReportWriter.Name(report.Verdict)}", console => Render(report, console),
            s => BiasReportWriter.WriteJson(report, s, ToolVersion.Current), w => BiasReportWriter.WriteMarkdown(report, w), w => BiasHtmlWriter.Write(report, w));

    private static void Render(BiasReport report, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[bold]Bias[/]: {report.Source}, {report.Rows:N0} rows; verdict [bold]{BiasReportWriter.Name(report.Verdict)}[/]");
        foreach (var a in report.Analyses)
        {
            var table = new Table().Title(Markup.Escape($"{(a.Intersectional ? "Intersectional: " : "")}{a.Attribute} — {BiasReportWriter.Name(a.Verdict)}"))
                .AddColumns("Group", "n", "Selection", "Base rate", "TPR", "FPR", "Precision", "Disparate impact");
            foreach (var g in a.Groups)
            {
                var impact = BiasReportWriter.Rate(g.DisparateImpact);
                if (g.Eligible && g.DisparateImpact < report.Thresholds.MinDisparateImpact) impact = $"[red]{impact}[/]";
                table.AddRow(Markup.Escape(g.Name) + (g.Eligible ? "" : " [grey](small)[/]"), g.N.ToString("N0", CultureInfo.InvariantCulture),
                    BiasReportWriter.Rate(g.SelectionRate), BiasReportWriter.Rate(g.BaseRate), BiasReportWriter.Rate(g.TruePositiveRate),
                    BiasReportWriter.Rate(g.FalsePositiveRate), BiasReportWriter.Rate(g.Precision), impact);
            }
            console.Write(table);
            console.MarkupLineInterpolated($"parity difference {BiasReportWriter.Rate(a.DemographicParityDifference)}, ratio {BiasReportWriter.Rate(a.DemographicParityRatio)}; equal opportunity difference {BiasReportWriter.Rate(a.EqualOpportunityDifference)}; equalised odds difference {BiasReportWriter.Rate(a.EqualisedOddsDifference)}");
            foreach (var r in a.Reasons) console.MarkupLineInterpolated($"[red]fails:[/] {r}");
            foreach (var n in a.Notes) console.MarkupLineInterpolated($"[grey]note: {n}[/]");
        }
    }

}
