using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.Reporting;

namespace Bulwark.Governance.Drift;

/// <summary>Writes a <see cref="DriftReport"/> as JSON, Markdown or self-contained HTML (no scripts, inline SVG bars).</summary>
public static class DriftReportWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void WriteJson(DriftReport report, Stream stream, string toolVersion)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", "bulwark");
        json.WriteString("version", toolVersion);
        json.WriteString("reference", report.Reference);
        json.WriteString("current", report.Current);
        json.WriteNumber("referenceRows", report.ReferenceRows);
        json.WriteNumber("currentRows", report.CurrentRows);
        json.WriteBoolean("referenceTruncated", report.ReferenceTruncated);
        json.WriteBoolean("currentTruncated", report.CurrentTruncated);
        json.WriteStartObject("dataset");
        json.WriteNumber("evaluatedColumns", report.EvaluatedColumns);
        json.WriteNumber("driftedColumns", report.DriftedColumns);
        json.WriteNumber("driftShare", report.DriftShare);
        json.WriteNumber("threshold", report.DatasetThreshold);
        json.WriteBoolean("drifted", report.Drifted);
        json.WriteEndObject();
        json.WriteStringArray("skippedColumns", report.SkippedColumns);
        json.WriteStartArray("columns");
        foreach (var column in report.Columns) WriteColumn(json, column);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteColumn(Utf8JsonWriter json, ColumnDrift column)
    {
        json.WriteStartObject();
        json.WriteString("name", column.Name);
        json.WriteString("kind", column.Kind.ToString().ToLowerInvariant());
        json.WriteNumber("referenceValues", column.ReferenceValues);
        json.WriteNumber("currentValues", column.CurrentValues);
        json.WriteNumber("referenceMissing", column.ReferenceMissing);
        json.WriteNumber("currentMissing", column.CurrentMissing);
        json.WriteBoolean("evaluated", column.Evaluated);
        json.WriteBoolean("drifted", column.Drifted);
        if (column.Note is not null) json.WriteString("note", column.Note);
        json.WriteStartArray("tests");
        foreach (var test in column.Tests)
        {
            json.WriteStartObject();
            json.WriteString("name", test.Name);
            Number(json, "statistic", test.Statistic);
            Number(json, "pValue", test.PValue);
            Number(json, "threshold", test.Threshold);
            json.WriteString("rule", test.Rule);
            json.WriteBoolean("drifted", test.Drifted);
            json.WriteBoolean("decisive", test.Decisive);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (column.Text is { } text)
        {
            json.WriteStartObject("text");
            Number(json, "referenceMeanLength", text.ReferenceMeanLength);
            Number(json, "currentMeanLength", text.CurrentMeanLength);
            Number(json, "referenceOutOfVocabulary", text.ReferenceOutOfVocabulary);
            Number(json, "currentOutOfVocabulary", text.CurrentOutOfVocabulary);
            Shares(json, "referenceScripts", text.ReferenceScripts);
            Shares(json, "currentScripts", text.CurrentScripts);
            Keywords(json, "rising", text.Rising);
            Keywords(json, "falling", text.Falling);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    // JSON has no NaN or infinity: such a value (none is expected) is written as null.
    private static void Number(Utf8JsonWriter json, string name, double? value) =>
        json.WriteNumberOrNull(name, value is { } v ? Math.Round(v, 10) : null);

    private static void Shares(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, double> shares)
    {
        json.WriteStartObject(name);
        foreach (var (script, share) in shares) Number(json, script, share);
        json.WriteEndObject();
    }

    private static void Keywords(Utf8JsonWriter json, string name, IReadOnlyList<KeywordShift> keywords)
    {
        json.WriteStartArray(name);
        foreach (var k in keywords)
        {
            json.WriteStartObject();
            json.WriteString("token", k.Token);
            json.WriteNumber("reference", k.Reference);
            json.WriteNumber("current", k.Current);
            Number(json, "logRatio", k.LogRatio);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    public static void WriteMarkdown(DriftReport report, TextWriter w)
    {
        w.WriteLine("# Drift report");
        w.WriteLine();
        w.WriteLine($"Reference `{report.Reference}` ({report.ReferenceRows:N0} rows{(report.ReferenceTruncated ? ", truncated" : "")}), current `{report.Current}` ({report.CurrentRows:N0} rows{(report.CurrentTruncated ? ", truncated" : "")}).");
        w.WriteLine();
        w.WriteLine($"**{Verdict(report)}**");
        w.WriteLine();
        w.WriteLine("| Column | Kind | Test | Statistic | p-value | Threshold | Drift |");
        w.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var column in report.Columns)
        {
            if (!column.Evaluated)
            {
                w.WriteLine($"| {Md(column.Name)} | {Kind(column)} | — | — | — | {Md(column.Note ?? "")} | no |");
                continue;
            }
            foreach (var test in column.Tests)
                w.WriteLine($"| {Md(column.Name)} | {Kind(column)} | {test.Name}{(test.Decisive ? " *" : "")} | {F(test.Statistic)} | {F(test.PValue)} | {Md(test.Rule)} | {(test.Drifted ? "yes" : "no")} |");
        }
        w.WriteLine();
        w.WriteLine("\\* the test the column's verdict rests on.");
        foreach (var column in report.Columns.Where(c => c.Text is not null))
        {
            var text = column.Text!;
            w.WriteLine();
            w.WriteLine($"## Text column `{column.Name}`");
            w.WriteLine();
            w.WriteLine($"- Mean length {F(text.ReferenceMeanLength)} → {F(text.CurrentMeanLength)} characters; out-of-vocabulary rate {F(text.ReferenceOutOfVocabulary)} → {F(text.CurrentOutOfVocabulary)}");
            w.WriteLine($"- Scripts: reference {ShareList(text.ReferenceScripts)}; current {ShareList(text.CurrentScripts)}");
            w.WriteLine($"- Rising keywords: {string.Join(", ", text.Rising.Select(k => Md(k.Token)))}");
            w.WriteLine($"- Falling keywords: {string.Join(", ", text.Falling.Select(k => Md(k.Token)))}");
        }
        if (report.SkippedColumns.Count > 0)
        {
            w.WriteLine();
            w.WriteLine($"Not compared (in one dataset only): {string.Join(", ", report.SkippedColumns.Select(Md))}");
        }
    }

    public static void WriteHtml(DriftReport report, TextWriter w)
    {
        w.WriteLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bulwark drift report</title><style>");
        w.WriteLine("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.yes{color:#b00020;font-weight:bold}.no{color:#2e7d32}");
        w.WriteLine("</style></head><body>");
        w.WriteLine($"<h1>Drift report</h1><p>Reference <code>{H(report.Reference)}</code> ({report.ReferenceRows:N0} rows), current <code>{H(report.Current)}</code> ({report.CurrentRows:N0} rows).</p>");
        w.WriteLine($"<p><strong>{H(Verdict(report))}</strong></p>");
        w.WriteLine("<table><tr><th>Column</th><th>Kind</th><th>Deciding test</th><th>Statistic</th><th>p-value</th><th>Rule</th><th>Drift</th><th>Score</th></tr>");
        foreach (var column in report.Columns)
        {
            var test = column.Tests.FirstOrDefault(t => t.Decisive);
            var cells = test is null
                ? $"<td>—</td><td>—</td><td>—</td><td>{H(column.Note ?? "")}</td>"
                : $"<td>{H(test.Name)}</td><td>{F(test.Statistic)}</td><td>{F(test.PValue)}</td><td>{H(test.Rule)}</td>";
            w.WriteLine($"<tr><td>{H(column.Name)}</td><td>{Kind(column)}</td>{cells}<td class=\"{(column.Drifted ? "yes" : "no")}\">{(column.Drifted ? "yes" : "no")}</td><td>{Bar(test)}</td></tr>");
        }
        w.WriteLine("</table>");
        foreach (var column in report.Columns.Where(c => c.Text is not null))
        {
            var text = column.Text!;
            w.WriteLine($"<h2>Text column <code>{H(column.Name)}</code></h2><ul>");
            w.WriteLine($"<li>Mean length {F(text.ReferenceMeanLength)} → {F(text.CurrentMeanLength)}; out-of-vocabulary {F(text.ReferenceOutOfVocabulary)} → {F(text.CurrentOutOfVocabulary)}</li>");
            w.WriteLine($"<li>Scripts: reference {H(ShareList(text.ReferenceScripts))}; current {H(ShareList(text.CurrentScripts))}</li>");
            w.WriteLine($"<li>Rising: {H(string.Join(", ", text.Rising.Select(k => k.Token)))}</li><li>Falling: {H(string.Join(", ", text.Falling.Select(k => k.Token)))}</li></ul>");
        }
        w.WriteLine("</body></html>");
    }

    /// <summary>The deciding statistic against its threshold, as a bar: full width is twice the threshold (or p = 0 for tests).</summary>
    private static string Bar(DriftTest? test)
    {
        if (test?.Threshold is not { } threshold) return "";
        var fill = test.PValue is { } p ? 1 - p : Math.Min(1, test.Statistic / (2 * threshold));
        var width = (int)Math.Round(120 * Math.Clamp(fill, 0, 1));
        var colour = test.Drifted ? "#b00020" : "#2e7d32";
        return $"<svg width=\"120\" height=\"10\" role=\"img\"><rect width=\"120\" height=\"10\" fill=\"#eee\"/><rect width=\"{width}\" height=\"10\" fill=\"{colour}\"/></svg>";
    }

    public static string Verdict(DriftReport report) =>
        $"{(report.Drifted ? "Dataset drifted" : "No dataset drift")}: {report.DriftedColumns} of {report.EvaluatedColumns} evaluated columns drifted ({report.DriftShare.ToString("P0", Invariant)}; drift when over {report.DatasetThreshold.ToString("P0", Invariant)})";

    public static string F(double? value) => value is { } v && double.IsFinite(v) ? v.ToString(Math.Abs(v) < 1e-4 && v != 0 ? "0.###e+0" : "0.####", Invariant) : "—";

    private static string Kind(ColumnDrift column) => column.Kind.ToString().ToLowerInvariant();

    private static string ShareList(IReadOnlyDictionary<string, double> shares) => string.Join(", ", shares.Select(s => $"{s.Key} {s.Value.ToString("P0", Invariant)}"));

    private static string H(string text) => WebUtility.HtmlEncode(text);

    private static string Md(string text) => new StringBuilder(text).Replace("|", "\\|").Replace("\n", " ").Replace("`", "'").ToString();
}
