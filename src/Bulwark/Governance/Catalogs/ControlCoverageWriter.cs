using System.Globalization;
using System.Net;
using System.Text.Json;
using Bulwark.Reporting;

namespace Bulwark.Governance.Catalogs;

/// <summary>Writes control coverage (one framework's items, or the summary of all frameworks) as JSON, Markdown or HTML.</summary>
public static class ControlCoverageWriter
{
    /// <summary>How many rule ids a cell lists before "+N more".</summary>
    public const int ListedRules = 3;

    public static string Verdict(ControlCoverageReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"{report.Framework.Id}: {report.CoveredCount} of {report.Entries.Count} controls covered ({Percent(report.Share)})";
    }

    public static string Percent(double share) => share.ToString("P0", CultureInfo.InvariantCulture);

    /// <summary>"rule-a, rule-b, rule-c +12 more; guards: secrets" — or "—" when nothing covers the item.</summary>
    public static string CoveredBy(ControlCoverageEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var parts = new List<string>();
        if (entry.Rules.Count > 0)
            parts.Add(string.Join(", ", entry.Rules.Take(ListedRules)) + (entry.Rules.Count > ListedRules ? $" +{entry.Rules.Count - ListedRules} more" : ""));
        if (entry.Guards.Count > 0) parts.Add("guards: " + string.Join(", ", entry.Guards));
        return parts.Count == 0 ? "—" : string.Join("; ", parts);
    }

    public static void WriteJson(ControlCoverageReport report, Stream stream, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var json = Start(stream, toolVersion);
        json.WritePropertyName("framework");
        WriteSummary(json, report);
        json.WriteStartArray("controls");
        foreach (var entry in report.Entries)
        {
            var item = entry.Control;
            json.WriteStartObject();
            json.WriteString("id", item.Id);
            json.WriteString("tag", new ControlRef(report.Framework, item).Tag);
            json.WriteString("title", item.Title);
            json.WriteString("kind", item.Kind);
            if (item.Parent is not null) json.WriteString("parent", item.Parent);
            if (item.Description is not null) json.WriteString("description", item.Description);
            if (item.Attributes.Count > 0)
            {
                json.WriteStartObject("attributes");
                foreach (var (key, value) in item.Attributes) json.WriteString(key, value);
                json.WriteEndObject();
            }
            json.WriteBoolean("covered", entry.Covered);
            json.WriteStringArray("rules", entry.Rules);
            json.WriteStringArray("guards", entry.Guards);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteJson(IReadOnlyList<ControlCoverageReport> reports, Stream stream, string toolVersion)
    {
        ArgumentNullException.ThrowIfNull(reports);
        using var json = Start(stream, toolVersion);
        json.WriteStartArray("frameworks");
        foreach (var report in reports) WriteSummary(json, report);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteMarkdown(ControlCoverageReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"# {report.Framework.Name} ({report.Framework.Version})");
        writer.WriteLine();
        writer.WriteLine(Verdict(report));
        writer.WriteLine();
        writer.WriteLine("| Id | Title | Covered by |");
        writer.WriteLine("|---|---|---|");
        foreach (var entry in report.Entries)
            writer.WriteLine($"| {Cell(entry.Control.Id)} | {Cell(entry.Control.Title)} | {Cell(CoveredBy(entry))} |");
    }

    public static void WriteMarkdown(IReadOnlyList<ControlCoverageReport> reports, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("# Governance frameworks");
        writer.WriteLine();
        writer.WriteLine("| Id | Name | Items | Controls | Covered |");
        writer.WriteLine("|---|---|---|---|---|");
        foreach (var r in reports)
            writer.WriteLine($"| {r.Framework.Id} | {Cell(r.Framework.Name)} | {r.Framework.Items.Count} | {r.Entries.Count} | {r.CoveredCount} ({Percent(r.Share)}) |");
    }

    public static void WriteHtml(ControlCoverageReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        Head(writer, report.Framework.Name);
        writer.WriteLine($"<p>{E(Verdict(report))}</p>");
        writer.WriteLine("<table><thead><tr><th>Id</th><th>Title</th><th>Covered by</th></tr></thead><tbody>");
        foreach (var entry in report.Entries)
        {
            var css = entry.Covered ? "covered" : "gap";
            writer.WriteLine($"<tr class=\"{css}\"><td>{E(entry.Control.Id)}</td><td>{E(entry.Control.Title)}</td><td>{E(CoveredBy(entry))}</td></tr>");
        }
        writer.WriteLine("</tbody></table></body></html>");
    }

    public static void WriteHtml(IReadOnlyList<ControlCoverageReport> reports, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(writer);
        Head(writer, "Governance frameworks");
        writer.WriteLine("<table><thead><tr><th>Id</th><th>Name</th><th>Items</th><th>Controls</th><th>Covered</th></tr></thead><tbody>");
        foreach (var r in reports)
            writer.WriteLine($"<tr><td>{E(r.Framework.Id)}</td><td>{E(r.Framework.Name)}</td><td>{r.Framework.Items.Count}</td><td>{r.Entries.Count}</td><td>{r.CoveredCount} ({Percent(r.Share)})</td></tr>");
        writer.WriteLine("</tbody></table></body></html>");
    }

    private static Utf8JsonWriter Start(Stream stream, string toolVersion)
    {
        var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", "bulwark");
        json.WriteString("version", toolVersion);
        return json;
    }

    private static void WriteSummary(Utf8JsonWriter json, ControlCoverageReport report)
    {
        var framework = report.Framework;
        json.WriteStartObject();
        json.WriteString("id", framework.Id);
        json.WriteString("name", framework.Name);
        json.WriteString("version", framework.Version);
        json.WriteString("tagPrefix", framework.TagPrefix);
        json.WriteString("source", framework.Source);
        json.WriteNumber("items", framework.Items.Count);
        json.WriteNumber("controls", report.Entries.Count);
        json.WriteNumber("covered", report.CoveredCount);
        json.WriteNumber("share", Math.Round(report.Share, 4));
        json.WriteEndObject();
    }

    private static void Head(TextWriter writer, string title)
    {
        writer.WriteLine($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title>");
        writer.WriteLine("<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}tr.gap td:last-child{color:#b00}</style>");
        writer.WriteLine($"</head><body><h1>{E(title)}</h1>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
