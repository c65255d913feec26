using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Reporting;

/// <summary>A Markdown report for pull-request comments and wikis.</summary>
public static class MarkdownReportWriter
{
    public static void Write(ScanReport report, Stream output)
    {
        var result = report.Result;
        var summary = new ReportSummary(result);
        var md = new StringBuilder();
        md.AppendLine("# Bulwark scan report").AppendLine();
        md.Append("Scanned ").Append(string.Join(", ", report.Roots.Select(r => $"`{r}`"))).Append(" on ")
          .Append(result.Statistics.StartedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture))
          .Append(" with Bulwark ").Append(report.ToolVersion).Append(": **").Append(result.Findings.Count).Append(" findings** in ")
          .Append(result.Statistics.FilesScanned).Append(" files (").Append(result.Statistics.RulesUsed).AppendLine(" rules).").AppendLine();

        md.Append("| Pillar | ").Append(string.Join(" | ", summary.Severities.Select(s => s.ToLowerName()))).AppendLine(" | total |");
        md.Append("|---|").Append(string.Concat(summary.Severities.Select(_ => "---:|"))).AppendLine("---:|");
        foreach (var pillar in summary.Pillars)
        {
            md.Append("| ").Append(pillar).Append(" | ").Append(string.Join(" | ", summary.Severities.Select(s => summary.Count(pillar, s))))
              .Append(" | ").Append(summary.Count(pillar)).AppendLine(" |");
        }
        md.AppendLine();

        if (result.Findings.Count > 0)
        {
            md.AppendLine("## Findings").AppendLine();
            md.AppendLine("| Severity | Rule | Location | Evidence |").AppendLine("|---|---|---|---|");
            foreach (var f in result.Findings)
            {
                md.Append("| ").Append(f.Severity.ToLowerName())
                  .Append(" | [").Append(f.RuleId).Append("](").Append(ScanReport.HelpUri(f.RuleId)).Append(") ").Append(Cell(f.RuleName))
                  .Append(" | `").Append(Cell(f.Location.ToString())).Append("` | `").Append(Cell(f.Evidence)).AppendLine("` |");
            }
            md.AppendLine();
        }

        var sensitive = result.Classifications.Where(c => c.Level != SensitivityLevel.Public).OrderByDescending(c => c.Level).ThenBy(c => c.Path, StringComparer.Ordinal).ToList();
        if (sensitive.Count > 0)
        {
            md.AppendLine("## Data classification").AppendLine();
            md.AppendLine("| Level | File | Decided by | Entities |").AppendLine("|---|---|---|---|");
            foreach (var c in sensitive)
            {
                md.Append("| ").Append(c.Level.ToString().ToLowerInvariant()).Append(" | `").Append(Cell(c.Path)).Append("` | ").Append(c.DecidedBy)
                  .Append(" | ").Append(Cell(string.Join(", ", c.Entities.Select(e => $"{e.Key} ({e.Value})")))).AppendLine(" |");
            }
            md.Append(result.Classifications.Count - sensitive.Count).AppendLine(" other scanned file(s) are public: nothing sensitive was found in them.").AppendLine();
        }

        if (result.Notes.Count > 0)
        {
            md.AppendLine("## Notes").AppendLine();
            foreach (var note in result.Notes) md.Append("- `").Append(Cell(note.Path)).Append("`: ").AppendLine(Cell(note.Message));
        }
        var bytes = new UTF8Encoding(false).GetBytes(md.ToString());
        output.Write(bytes);
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
