using System.Text.Json;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Reporting;

/// <summary>The JSON report: a stable, documented shape (docs/reports.md) for pipelines and dashboards.</summary>
public static class JsonReportWriter
{
    private static readonly JsonWriterOptions Options = new() { Indented = true };

    public static void Write(ScanReport report, Stream output)
    {
        using var json = new Utf8JsonWriter(output, Options);
        var result = report.Result;
        json.WriteStartObject();
        json.WriteString("tool", ScanReport.ToolName);
        json.WriteString("version", report.ToolVersion);
        json.WriteString("startedAt", result.Statistics.StartedAt);
        json.WritePropertyName("roots");
        JsonSerializer.Serialize(json, report.Roots);

        json.WriteStartObject("summary");
        json.WriteNumber("findings", result.Findings.Count);
        json.WriteNumber("filesScanned", result.Statistics.FilesScanned);
        json.WriteNumber("filesSkipped", result.Statistics.FilesSkipped);
        json.WriteNumber("bytesScanned", result.Statistics.BytesScanned);
        json.WriteNumber("durationMs", Math.Round(result.Statistics.Duration.TotalMilliseconds, 1));
        json.WriteNumber("rules", result.Statistics.RulesUsed);
        json.WriteNumber("suppressedByBaseline", result.Statistics.SuppressedByBaseline);
        json.WriteStartObject("bySeverity");
        foreach (var severity in Enum.GetValues<Severity>().Reverse())
            json.WriteNumber(severity.ToLowerName(), result.Findings.Count(f => f.Severity == severity));
        json.WriteEndObject();
        json.WriteStartObject("byPillar");
        foreach (var pillar in Enum.GetValues<Pillar>())
            json.WriteNumber(pillar.ToString().ToLowerInvariant(), result.Findings.Count(f => f.Pillar == pillar));
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("findings");
        foreach (var finding in result.Findings) WriteFinding(json, finding);
        json.WriteEndArray();

        json.WriteStartArray("classifications");
        foreach (var file in result.Classifications)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteString("level", file.Level.ToString().ToLowerInvariant());
            if (file.DecidedBy is { } rule) json.WriteString("decidedBy", rule);
            json.WritePropertyName("entities");
            JsonSerializer.Serialize(json, file.Entities);
            if (file.Columns.Count > 0)
            {
                json.WritePropertyName("columns");
                JsonSerializer.Serialize(json, file.Columns);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("notes");
        foreach (var note in result.Notes)
        {
            json.WriteStartObject();
            json.WriteString("kind", JsonNamingPolicy.KebabCaseLower.ConvertName(note.Kind.ToString()));
            json.WriteString("path", note.Path);
            json.WriteString("message", note.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One finding in the report's shape, for other JSON reports that carry findings (the infra probe).</summary>
    public static void WriteFinding(Utf8JsonWriter json, Finding finding)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.RuleId);
        json.WriteString("rule", finding.RuleName);
        json.WriteString("pillar", finding.Pillar.ToString().ToLowerInvariant());
        json.WriteString("severity", finding.Severity.ToLowerName());
        json.WriteString("confidence", finding.Confidence.ToLowerName());
        json.WriteString("message", finding.Message);
        json.WriteStartObject("location");
        json.WriteString("path", finding.Location.Path);
        json.WriteNumber("line", finding.Location.Line);
        json.WriteNumber("column", finding.Location.Column);
        json.WriteNumber("endLine", finding.Location.EndLine);
        json.WriteNumber("endColumn", finding.Location.EndColumn);
        if (finding.Location.Place is { } place) json.WriteString("place", place);
        json.WriteEndObject();
        json.WriteString("evidence", finding.Evidence);
        json.WriteString("fingerprint", finding.Fingerprint);
        json.WritePropertyName("tags");
        JsonSerializer.Serialize(json, finding.Tags);
        json.WriteEndObject();
    }

    public static void WriteRuleList(IEnumerable<Rule> rules, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            json.WriteStartArray();
            foreach (var rule in rules)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                json.WriteString("name", rule.Name);
                json.WriteString("pillar", rule.Pillar.ToString().ToLowerInvariant());
                json.WriteString("family", rule.Family);
                json.WriteString("severity", rule.Severity.ToLowerName());
                json.WriteString("confidence", rule.Confidence.ToLowerName());
                json.WritePropertyName("tags");
                JsonSerializer.Serialize(json, rule.Tags);
                json.WriteString("source", rule.Source);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
