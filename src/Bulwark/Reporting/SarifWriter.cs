using System.Text.Json;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Reporting;

/// <summary>
/// SARIF 2.1.0 (OASIS) for code-scanning platforms: rule metadata with help links and GitHub's
/// <c>security-severity</c>, results with regions, redacted snippets and partial fingerprints, and the scan's
/// notes as tool execution notifications. Validated against the official schema in the test suite.
/// </summary>
public static class SarifWriter
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    public static void Write(ScanReport report, Stream output)
    {
        var result = report.Result;
        var rules = report.Rules.Where(r => result.Findings.Any(f => f.RuleId == r.Id)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var ruleIndex = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("$schema", SchemaUri);
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", ScanReport.ToolName);
        json.WriteString("version", report.ToolVersion);
        json.WriteString("semanticVersion", report.ToolVersion);
        json.WriteString("informationUri", ScanReport.InformationUri);
        json.WriteStartArray("rules");
        foreach (var rule in rules) WriteRule(json, rule);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", true);
        json.WriteString("startTimeUtc", result.Statistics.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteStartArray("toolExecutionNotifications");
        foreach (var note in result.Notes)
        {
            json.WriteStartObject();
            json.WriteString("level", "note");
            json.WriteStartObject("message");
            json.WriteString("text", $"{note.Path}: {note.Message}");
            json.WriteEndObject();
            json.WriteStartObject("descriptor");
            json.WriteString("id", JsonNamingPolicy.KebabCaseLower.ConvertName(note.Kind.ToString()));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();

        json.WriteStartArray("results");
        foreach (var finding in result.Findings) WriteResult(json, finding, ruleIndex[finding.RuleId]);
        json.WriteEndArray();

        // Sensitivity per file rides on SARIF's artifact objects, the schema's place for facts about a file.
        json.WriteStartArray("artifacts");
        foreach (var file in result.Classifications.Where(c => c.Level != SensitivityLevel.Public))
        {
            json.WriteStartObject();
            json.WriteStartObject("location");
            json.WriteString("uri", ArtifactUri(file.Path));
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteString("sensitivity", file.Level.ToString().ToLowerInvariant());
            if (file.DecidedBy is { } rule) json.WriteString("sensitivityDecidedBy", rule);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteString("columnKind", "utf16CodeUnits");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One <c>reportingDescriptor</c>: what every Bulwark SARIF run (scan, model scan) says about a rule.</summary>
    public static void WriteRule(Utf8JsonWriter json, Rule rule)
    {
        json.WriteStartObject();
        json.WriteString("id", rule.Id);
        json.WriteString("name", PascalName(rule.Name));
        WriteMessage(json, "shortDescription", rule.Name);
        WriteMessage(json, "fullDescription", rule.Description.Length > 0 ? rule.Description : rule.Name);
        json.WriteString("helpUri", ScanReport.HelpUri(rule.Id));
        json.WriteStartObject("help");
        var help = rule.Remediation.Length > 0 ? rule.Remediation : rule.Description;
        json.WriteString("text", help);
        json.WriteString("markdown", $"{help}\n\n[Rule documentation]({ScanReport.HelpUri(rule.Id)})");
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", SeverityScale.SarifLevel(rule.Severity));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        // SARIF wants unique tags, and a model rule's family is also its pillar's name.
        string[] tags = ["security", rule.Pillar.ToString().ToLowerInvariant(), rule.Family, .. rule.Tags];
        foreach (var tag in tags.Distinct(StringComparer.Ordinal)) json.WriteStringValue(tag);
        json.WriteEndArray();
        json.WriteString("security-severity", SeverityScale.SecuritySeverity(rule.Severity));
        json.WriteString("precision", rule.Confidence switch { Confidence.High => "high", Confidence.Medium => "medium", _ => "low" });
        json.WriteString("problem.severity", SeverityScale.SarifLevel(rule.Severity) == "note" ? "recommendation" : SeverityScale.SarifLevel(rule.Severity));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, Finding finding, int ruleIndex)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.RuleId);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", SeverityScale.SarifLevel(finding.Severity));
        WriteMessage(json, "message", $"{finding.Message}: {finding.Evidence}");
        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", ArtifactUri(finding.Location.Path));
        json.WriteEndObject();
        json.WriteStartObject("region");
        json.WriteNumber("startLine", finding.Location.Line);
        json.WriteNumber("startColumn", finding.Location.Column);
        json.WriteNumber("endLine", finding.Location.EndLine);
        json.WriteNumber("endColumn", finding.Location.EndColumn);
        WriteMessage(json, "snippet", finding.Evidence);
        json.WriteEndObject();
        json.WriteEndObject();
        if (finding.Location.Place is { } place)
        {
            // The place inside a structured document (JSON path, table cell, page): a logical location in SARIF terms.
            json.WriteStartArray("logicalLocations");
            json.WriteStartObject();
            json.WriteString("fullyQualifiedName", place);
            json.WriteEndObject();
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("partialFingerprints");
        json.WriteString("bulwarkFingerprint/v1", finding.Fingerprint);
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteString("severity", finding.Severity.ToLowerName());
        json.WriteString("confidence", finding.Confidence.ToLowerName());
        json.WriteString("pillar", finding.Pillar.ToString().ToLowerInvariant());
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, string name, string text)
    {
        json.WriteStartObject(name);
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    /// <summary>A relative URI with '/' separators and escaped segments; absolute paths become file URIs.</summary>
    public static string ArtifactUri(string path)
    {
        if (Path.IsPathFullyQualified(path)) return new Uri(path).AbsoluteUri;
        var segments = path.Replace('\\', '/').Split('/').Select(s => s is "." or ".." ? s : Uri.EscapeDataString(s));
        return string.Join('/', segments);
    }

    private static string PascalName(string name) =>
        string.Concat(name.Split([' ', '-', '_', '/', '(', ')', '.', ','], StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
