using System.Net;
using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Reporting;

/// <summary>
/// One self-contained HTML file (inline CSS, no scripts, no external assets) that a manager can open from an
/// e-mail: the verdict first, then counts by pillar and severity, then the findings by file.
/// </summary>
public static class HtmlReportWriter
{
    private const string Style = """
        :root { --critical:#b3001b; --high:#e0561b; --medium:#c99700; --low:#2f6fb3; --info:#6b7280; --ink:#1f2933; --muted:#6b7280; --line:#e5e7eb; }
        * { box-sizing: border-box; }
        body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); margin: 0; background: #f7f8fa; }
        header { background: #111827; color: #fff; padding: 28px 40px; }
        header h1 { margin: 0 0 4px; font-size: 24px; }
        header p { margin: 0; color: #cbd5e1; }
        main { max-width: 1200px; margin: 0 auto; padding: 24px 40px 60px; }
        .verdict { font-size: 18px; margin: 8px 0 20px; }
        .cards { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 24px; }
        .card { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 8px; padding: 12px 18px; min-width: 140px; }
        .card .n { font-size: 28px; font-weight: 700; }
        .card.critical { border-left-color: var(--critical); } .card.high { border-left-color: var(--high); }
        .card.medium { border-left-color: var(--medium); } .card.low { border-left-color: var(--low); }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); border-radius: 8px; margin-bottom: 20px; }
        th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #f3f4f6; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td.zero { color: #c0c4cc; }
        h2 { margin-top: 32px; font-size: 19px; }
        h3 { font-size: 15px; margin: 22px 0 6px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; background: #f3f4f6; padding: 1px 4px; border-radius: 4px; word-break: break-all; }
        .sev { display: inline-block; color: #fff; border-radius: 10px; padding: 0 9px; font-size: 12px; font-weight: 600; text-transform: uppercase; }
        .sev.critical { background: var(--critical); } .sev.high { background: var(--high); } .sev.medium { background: var(--medium); }
        .sev.low { background: var(--low); } .sev.info { background: var(--info); }
        .tag { color: var(--muted); font-size: 12px; margin-right: 6px; }
        a { color: #1d4ed8; }
        footer { color: var(--muted); font-size: 13px; margin-top: 40px; }
        @media print { header { background: #fff; color: #000; } header p { color: #333; } }
        """;

    public static void Write(ScanReport report, Stream output)
    {
        var result = report.Result;
        var summary = new ReportSummary(result);
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Bulwark scan report: ").Append(E(string.Join(", ", report.Roots))).AppendLine("</title>")
            .Append("<style>").Append(Style).AppendLine("</style></head><body>");

        html.Append("<header><h1>Bulwark scan report</h1><p>")
            .Append(E(string.Join(", ", report.Roots))).Append(" · ")
            .Append(E(result.Statistics.StartedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)))
            .Append(" · Bulwark ").Append(E(report.ToolVersion)).AppendLine("</p></header><main>");

        html.Append("<p class=\"verdict\">").Append(Verdict(result, summary)).AppendLine("</p>");
        html.AppendLine("<div class=\"cards\">");
        html.Append("<div class=\"card\"><div class=\"n\">").Append(result.Findings.Count).AppendLine("</div>findings</div>");
        foreach (var severity in summary.Severities.Where(s => s != Severity.Info))
        {
            html.Append("<div class=\"card ").Append(severity.ToLowerName()).Append("\"><div class=\"n\">").Append(summary.Count(severity))
                .Append("</div>").Append(severity.ToLowerName()).AppendLine("</div>");
        }
        html.Append("<div class=\"card\"><div class=\"n\">").Append(result.Statistics.FilesScanned).AppendLine("</div>files scanned</div>");
        html.AppendLine("</div>");

        html.AppendLine("<h2>By pillar and severity</h2><table><thead><tr><th>Pillar</th>");
        foreach (var severity in summary.Severities) html.Append("<th class=\"num\">").Append(severity.ToLowerName()).Append("</th>");
        html.AppendLine("<th class=\"num\">total</th></tr></thead><tbody>");
        foreach (var pillar in summary.Pillars)
        {
            html.Append("<tr><td>").Append(pillar).Append("</td>");
            foreach (var severity in summary.Severities) html.Append(NumberCell(summary.Count(pillar, severity)));
            html.Append(NumberCell(summary.Count(pillar))).AppendLine("</tr>");
        }
        html.AppendLine("</tbody></table>");

        if (result.Findings.Count > 0)
        {
            html.AppendLine("<h2>Findings by file</h2>");
            foreach (var file in summary.ByFile)
            {
                html.Append("<h3>").Append(E(file.Key)).Append(" <span class=\"tag\">").Append(file.Count()).AppendLine(" findings</span></h3>");
                html.AppendLine("<table><thead><tr><th>Severity</th><th>Line</th><th>Rule</th><th>Evidence (redacted)</th></tr></thead><tbody>");
                foreach (var f in file)
                {
                    html.Append("<tr><td><span class=\"sev ").Append(f.Severity.ToLowerName()).Append("\">").Append(f.Severity.ToLowerName()).Append("</span></td>")
                        .Append("<td class=\"num\">").Append(f.Location.Line).Append(':').Append(f.Location.Column)
                        .Append(f.Location.Place is { } place ? "<br>" + E(place) : "").Append("</td>")
                        .Append("<td><a href=\"").Append(E(ScanReport.HelpUri(f.RuleId))).Append("\">").Append(E(f.RuleId)).Append("</a><br>").Append(E(f.RuleName));
                    if (f.Tags.Count > 0) html.Append("<br>");
                    foreach (var tag in f.Tags) html.Append("<span class=\"tag\">").Append(E(tag)).Append("</span>");
                    html.Append("</td><td><code>").Append(E(f.Evidence)).AppendLine("</code></td></tr>");
                }
                html.AppendLine("</tbody></table>");
            }
        }

        var sensitive = result.Classifications.Where(c => c.Level != SensitivityLevel.Public).OrderByDescending(c => c.Level).ThenBy(c => c.Path, StringComparer.Ordinal).ToList();
        if (sensitive.Count > 0)
        {
            html.AppendLine("<h2>Data classification</h2><table><thead><tr><th>Level</th><th>File</th><th>Decided by</th><th>Entities</th><th>Columns</th></tr></thead><tbody>");
            foreach (var c in sensitive)
            {
                html.Append("<tr><td><span class=\"sev ").Append(SensitivityClass(c.Level)).Append("\">").Append(c.Level.ToString().ToLowerInvariant()).Append("</span></td><td><code>")
                    .Append(E(c.Path)).Append("</code></td><td>").Append(E(c.DecidedBy ?? "")).Append("</td><td>")
                    .Append(E(string.Join(", ", c.Entities.Select(e => $"{e.Key} ({e.Value})")))).Append("</td><td>")
                    .Append(E(string.Join("; ", c.Columns.Select(col => $"{col.Key}: {string.Join(", ", col.Value)}")))).AppendLine("</td></tr>");
            }
            html.Append("</tbody></table><p>").Append(result.Classifications.Count - sensitive.Count).AppendLine(" other scanned file(s) are public: nothing sensitive was found in them.</p>");
        }

        if (result.Notes.Count > 0)
        {
            html.AppendLine("<h2>Notes</h2><table><thead><tr><th>Path</th><th>Note</th></tr></thead><tbody>");
            foreach (var note in result.Notes) html.Append("<tr><td><code>").Append(E(note.Path)).Append("</code></td><td>").Append(E(note.Message)).AppendLine("</td></tr>");
            html.AppendLine("</tbody></table>");
        }

        var stats = result.Statistics;
        html.Append("<footer>").Append(stats.FilesScanned).Append(" files, ").Append((stats.BytesScanned / 1024.0 / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))
            .Append(" MB scanned in ").Append(stats.Duration.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).Append(" s with ")
            .Append(stats.RulesUsed).Append(" rules").Append(stats.SuppressedByBaseline > 0 ? $"; {stats.SuppressedByBaseline} findings suppressed by the baseline" : "")
            .Append(". Evidence is redacted: this report never contains a clear secret.</footer>");
        html.AppendLine("</main></body></html>");
        output.Write(new UTF8Encoding(false).GetBytes(html.ToString()));
    }

    private static string Verdict(ScanResult result, ReportSummary summary)
    {
        if (result.Findings.Count == 0) return "No findings. Nothing in the scanned files matched a rule.";
        var worst = result.Findings.Max(f => f.Severity);
        var files = summary.ByFile.Count;
        return $"<strong>{result.Findings.Count} findings in {files} file{(files == 1 ? "" : "s")}</strong>; the most severe is <span class=\"sev {worst.ToLowerName()}\">{worst.ToLowerName()}</span>. "
            + "Leaked credentials must be revoked at the provider, not only deleted from the code.";
    }

    private static string NumberCell(int n) => n == 0 ? "<td class=\"num zero\">0</td>" : $"<td class=\"num\">{n}</td>";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Sensitivity levels borrow the severity colours: restricted as critical, confidential as high, internal as low.</summary>
    private static string SensitivityClass(SensitivityLevel level) => level switch
    {
        SensitivityLevel.Restricted => "critical",
        SensitivityLevel.Confidential => "high",
        _ => "low",
    };
}
