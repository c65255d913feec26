using System.Globalization;
using System.Net;

namespace Bulwark.Governance.Bias;

/// <summary>
/// A self-contained HTML bias report: inline CSS and SVG bar charts, no scripts and nothing fetched, so it can be
/// mailed or archived as evidence and opened anywhere.
/// </summary>
public static class BiasHtmlWriter
{
    public static void Write(BiasReport report, TextWriter w)
    {
        w.WriteLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bulwark bias report</title>");
        w.WriteLine("<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}" +
            "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}td:first-child,th:first-child{text-align:left}" +
            ".fail{color:#b00020;font-weight:bold}.pass{color:#1b7f3b;font-weight:bold}.inconclusive{color:#8a6d00;font-weight:bold}" +
            ".small{color:#888}svg{display:block;margin:.5em 0}</style></head><body>");
        w.WriteLine(F($"<h1>Bias report</h1><p>Data <code>{E(report.Source)}</code>, {report.Rows:N0} rows; label <code>{E(report.Columns.Label)}</code>, prediction <code>{E(report.Columns.Prediction)}</code>.</p>"));
        w.WriteLine(F($"<p>Thresholds: disparate impact ≥ {report.Thresholds.MinDisparateImpact}, equalised odds difference ≤ {report.Thresholds.MaxEqualisedOddsDifference}, groups judged from {report.Thresholds.MinGroupSize} rows.</p>"));
        w.WriteLine(F($"<p>Verdict: <span class=\"{Css(report.Verdict)}\">{BiasReportWriter.Name(report.Verdict)}</span></p>"));
        foreach (var a in report.Analyses) WriteAnalysis(report, a, w);
        w.WriteLine("</body></html>");
    }

    private static void WriteAnalysis(BiasReport report, AttributeAnalysis a, TextWriter w)
    {
        w.WriteLine(F($"<h2>{(a.Intersectional ? "Intersectional: " : "")}{E(a.Attribute)} — <span class=\"{Css(a.Verdict)}\">{BiasReportWriter.Name(a.Verdict)}</span></h2>"));
        w.WriteLine(F($"<p>Demographic parity difference {R(a.DemographicParityDifference)}, ratio {R(a.DemographicParityRatio)}; equal opportunity difference {R(a.EqualOpportunityDifference)}; equalised odds difference {R(a.EqualisedOddsDifference)}; most-favoured group <code>{E(a.ReferenceGroup ?? "—")}</code>.</p>"));
        if (a.Reasons.Count > 0) w.WriteLine("<ul>" + string.Concat(a.Reasons.Select(r => $"<li class=\"fail\">{E(r)}</li>")) + "</ul>");
        if (a.Notes.Count > 0) w.WriteLine("<ul>" + string.Concat(a.Notes.Select(n => $"<li>{E(n)}</li>")) + "</ul>");
        w.WriteLine("<table><tr><th>Group</th><th>n</th><th>Selection rate</th><th>Base rate</th><th>TPR</th><th>FPR</th><th>Precision</th><th>Disparate impact</th></tr>");
        foreach (var g in a.Groups)
        {
            var flagged = g.Eligible && g.DisparateImpact < report.Thresholds.MinDisparateImpact;
            w.WriteLine(F($"<tr class=\"{(g.Eligible ? "" : "small")}\"><td>{E(g.Name)}{(g.Eligible ? "" : " (too small, not judged)")}</td><td>{g.N:N0}</td><td>{R(g.SelectionRate)}</td><td>{R(g.BaseRate)}</td><td>{R(g.TruePositiveRate)}</td><td>{R(g.FalsePositiveRate)}</td><td>{R(g.Precision)}</td><td class=\"{(flagged ? "fail" : "")}\">{R(g.DisparateImpact)}</td></tr>"));
        }
        w.WriteLine("</table>");
        var highest = a.Groups.Where(g => g.Eligible).Select(g => g.SelectionRate).Max();
        w.WriteLine("<h3>Selection rate per group</h3>");
        WriteBars(w, a.Groups, [("selection rate", "#4a6fa5", g => g.SelectionRate)], highest * report.Thresholds.MinDisparateImpact, "four-fifths line");
        w.WriteLine("<h3>True- and false-positive rate per group</h3>");
        WriteBars(w, a.Groups, [("TPR", "#2e8b57", g => g.TruePositiveRate), ("FPR", "#d2691e", g => g.FalsePositiveRate)], null, null);
    }

    /// <summary>Horizontal bars on a 0–1 scale, one row per group and one bar per series; undefined values drawn as "n/a".</summary>
    private static void WriteBars(TextWriter w, IReadOnlyList<GroupMetrics> groups, (string Label, string Colour, Func<GroupMetrics, double?> Value)[] series, double? line, string? lineLabel)
    {
        const int labelWidth = 160, barWidth = 400, barHeight = 14, gap = 8;
        var rowHeight = series.Length * barHeight + gap;
        var height = groups.Count * rowHeight + 40;
        w.WriteLine(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelWidth + barWidth + 80}\" height=\"{height}\" role=\"img\" font-size=\"11\">"));
        for (var i = 0; i < groups.Count; i++)
        {
            var top = 10 + i * rowHeight;
            w.WriteLine(F($"<text x=\"0\" y=\"{top + barHeight}\">{E(Truncate(groups[i].Name))}</text>"));
            for (var s = 0; s < series.Length; s++)
            {
                var y = top + s * barHeight;
                var value = series[s].Value(groups[i]);
                var width = (int)Math.Round((value ?? 0) * barWidth);
                w.WriteLine(F($"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{width}\" height=\"{barHeight - 2}\" fill=\"{series[s].Colour}\"><title>{E(series[s].Label)} {R(value)}</title></rect>"));
                w.WriteLine(F($"<text x=\"{labelWidth + width + 4}\" y=\"{y + barHeight - 3}\">{E(series[s].Label)} {(value is null ? "n/a" : R(value))}</text>"));
            }
        }
        var axis = 10 + groups.Count * rowHeight;
        w.WriteLine(F($"<line x1=\"{labelWidth}\" y1=\"{axis}\" x2=\"{labelWidth + barWidth}\" y2=\"{axis}\" stroke=\"#999\"/><text x=\"{labelWidth}\" y=\"{axis + 14}\">0</text><text x=\"{labelWidth + barWidth - 6}\" y=\"{axis + 14}\">1</text>"));
        if (line is { } l)
        {
            var x = labelWidth + (int)Math.Round(l * barWidth);
            w.WriteLine(F($"<line x1=\"{x}\" y1=\"4\" x2=\"{x}\" y2=\"{axis}\" stroke=\"#b00020\" stroke-dasharray=\"4 3\"/><text x=\"{x + 3}\" y=\"{axis + 26}\" fill=\"#b00020\">{E(lineLabel ?? "")} {R(l)}</text>"));
        }
        w.WriteLine("</svg>");
    }

    private static string Truncate(string name) => name.Length > 26 ? name[..25] + "…" : name;

    private static string Css(BiasVerdict verdict) => BiasReportWriter.Name(verdict);

    private static string R(double? value) => BiasReportWriter.Rate(value);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
