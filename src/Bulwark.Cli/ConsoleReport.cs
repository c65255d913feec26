using Bulwark.Kernel;
using Spectre.Console;

namespace Bulwark.Cli;

/// <summary>The console report: a table of findings by pillar and severity, then the findings themselves.</summary>
internal static class ConsoleReport
{
    private const int MaxListed = 200;

    public static void Write(ScanReport report, IAnsiConsole console)
    {
        var result = report.Result;
        var severities = Enum.GetValues<Severity>().Reverse().ToArray();
        var summary = new Table().Border(TableBorder.Rounded).Title("[bold]Findings by pillar and severity[/]");
        summary.AddColumn("Pillar");
        foreach (var severity in severities) summary.AddColumn(new TableColumn(Render.Severity(severity)).RightAligned());
        summary.AddColumn(new TableColumn("[bold]total[/]").RightAligned());
        foreach (var pillar in Enum.GetValues<Pillar>())
        {
            var inPillar = result.Findings.Where(f => f.Pillar == pillar).ToList();
            summary.AddRow([pillar.ToString(), .. severities.Select(s => Count(inPillar.Count(f => f.Severity == s))), $"[bold]{inPillar.Count}[/]"]);
        }
        console.Write(summary);

        if (result.Findings.Count > 0)
        {
            var findings = new Table().Border(TableBorder.Simple)
                .AddColumn("Severity").AddColumn(new TableColumn("Rule").NoWrap()).AddColumn("Location").AddColumn("Evidence");
            foreach (var finding in result.Findings.Take(MaxListed))
            {
                findings.AddRow(Render.Severity(finding.Severity), Markup.Escape(finding.RuleId), Markup.Escape(finding.Location.ToString()), Markup.Escape(finding.Evidence));
            }
            console.Write(findings);
            if (result.Findings.Count > MaxListed) console.MarkupLine($"[grey]… and {result.Findings.Count - MaxListed} more (use --format json, sarif or html for all)[/]");
        }

        if (result.Classifications.Count > 0)
        {
            var levels = Enum.GetValues<SensitivityLevel>().Reverse().Select(l => $"{result.Classifications.Count(c => c.Level == l)} {l.ToString().ToLowerInvariant()}");
            console.MarkupLine($"Data classification: {string.Join(", ", levels)} (bulwark data classify for the table)");
        }
        foreach (var note in result.Notes) console.MarkupLine($"[grey]note: {Markup.Escape(note.Path)}: {Markup.Escape(note.Message)}[/]");
        var stats = result.Statistics;
        console.MarkupLine($"[bold]{result.Findings.Count}[/] findings in {stats.FilesScanned} files ({Megabytes(stats.BytesScanned)}, {stats.FilesSkipped} skipped) in {stats.Duration.TotalSeconds:0.00} s with {stats.RulesUsed} rules"
            + (stats.SuppressedByBaseline > 0 ? $"; {stats.SuppressedByBaseline} suppressed by the baseline" : ""));
    }

    /// <summary>The classification table of <c>bulwark data classify</c>: non-public files first, most sensitive on top.</summary>
    public static void WriteClassifications(ScanResult result, IAnsiConsole console, bool all)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Data classification[/]")
            .AddColumn("Level").AddColumn("File").AddColumn("Decided by").AddColumn("Entities").AddColumn("Columns");
        foreach (var c in result.Classifications.Where(c => all || c.Level != SensitivityLevel.Public).OrderByDescending(c => c.Level).ThenBy(c => c.Path, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(c.Level.ToString().ToLowerInvariant()), Markup.Escape(c.Path), Markup.Escape(c.DecidedBy ?? ""),
                Markup.Escape(string.Join(", ", c.Entities.Select(e => $"{e.Key} ({e.Value})"))),
                Markup.Escape(string.Join("; ", c.Columns.Select(col => $"{col.Key}: {string.Join(", ", col.Value)}"))));
        }
        console.Write(table);
        var levels = Enum.GetValues<SensitivityLevel>().Reverse().Select(l => $"{result.Classifications.Count(c => c.Level == l)} {l.ToString().ToLowerInvariant()}");
        console.MarkupLine($"{result.Classifications.Count} files: {string.Join(", ", levels)}" + (all ? "" : " (--all lists the public ones too)"));
    }

    public static void WriteOneLine(ScanReport report, IAnsiConsole console, string output)
    {
        var stats = report.Result.Statistics;
        console.MarkupLine($"[bold]{report.Result.Findings.Count}[/] findings in {stats.FilesScanned} files; report written to {Markup.Escape(output)}");
    }

    /// <summary>The same report without colours, for <c>--output</c> with the console format.</summary>
    public static string ToPlainText(ScanReport report)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 160;
        Write(report, console);
        return writer.ToString();
    }

    private static string Count(int n) => n == 0 ? "[grey]·[/]" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Megabytes(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MB";
}
