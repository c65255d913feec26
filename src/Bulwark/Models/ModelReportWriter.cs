using System.Text.Json;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Models;

/// <summary>The machine outputs of <c>bulwark model scan</c>: JSON (one object per file) and SARIF 2.1.0.</summary>
public static class ModelReportWriter
{
    public static string VerdictName(ModelVerdict verdict) => verdict switch
    {
        ModelVerdict.Clean => "clean",
        ModelVerdict.Error => "error",
        ModelVerdict.Suspicious => "suspicious",
        ModelVerdict.Malicious => "malicious",
        _ => verdict.ToString().ToLowerInvariant(),
    };

    /// <summary><c>{"files":[{path, format, verdict, error?, findings:[{rule, verdict, member, message, evidence}]}]}</c>.</summary>
    public static void WriteJson(IReadOnlyList<ModelFileResult> results, Stream output)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("files");
        foreach (var file in results)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteString("format", file.Format);
            json.WriteString("verdict", VerdictName(file.Verdict));
            if (file.Error is { } error) json.WriteString("error", error);
            json.WriteStartArray("findings");
            foreach (var issue in file.Issues)
            {
                json.WriteStartObject();
                json.WriteString("rule", issue.RuleId);
                json.WriteString("verdict", VerdictName(issue.Verdict));
                json.WriteString("member", issue.Member);
                json.WriteString("message", issue.Message);
                json.WriteString("evidence", issue.Evidence);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("summary");
        json.WriteNumber("files", results.Count);
        foreach (var verdict in Enum.GetValues<ModelVerdict>()) json.WriteNumber(VerdictName(verdict), results.Count(r => r.Verdict == verdict));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>SARIF 2.1.0: malicious issues are <c>error</c>, suspicious <c>warning</c>, analysis errors <c>note</c>.</summary>
    public static void WriteSarif(IReadOnlyList<ModelFileResult> results, IReadOnlyList<Rule> catalog, string toolVersion, Stream output)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(catalog);
        var used = results.SelectMany(r => r.Issues).Select(i => i.RuleId).ToHashSet(StringComparer.Ordinal);
        var rules = catalog.Where(r => used.Contains(r.Id)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var index = rules.Select((r, i) => (r.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("$schema", Reporting.SarifWriter.SchemaUri);
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", ScanReport.ToolName);
        json.WriteString("version", toolVersion);
        json.WriteString("informationUri", ScanReport.InformationUri);
        json.WriteStartArray("rules");
        foreach (var rule in rules) Reporting.SarifWriter.WriteRule(json, rule);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("results");
        foreach (var file in results)
        {
            foreach (var issue in file.Issues)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", issue.RuleId);
                if (index.TryGetValue(issue.RuleId, out var i)) json.WriteNumber("ruleIndex", i);
                json.WriteString("level", issue.Verdict switch { ModelVerdict.Malicious => "error", ModelVerdict.Suspicious => "warning", _ => "note" });
                json.WriteStartObject("message");
                json.WriteString("text", issue.Message);
                json.WriteEndObject();
                json.WriteStartArray("locations");
                json.WriteStartObject();
                json.WriteStartObject("physicalLocation");
                json.WriteStartObject("artifactLocation");
                json.WriteString("uri", file.Path.Replace('\\', '/'));
                json.WriteEndObject();
                json.WriteEndObject();
                if (issue.Member.Length > 0)
                {
                    json.WriteStartArray("logicalLocations");
                    json.WriteStartObject();
                    json.WriteString("fullyQualifiedName", issue.Member);
                    json.WriteString("kind", "member");
                    json.WriteEndObject();
                    json.WriteEndArray();
                }
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteStartObject("properties");
                json.WriteString("verdict", VerdictName(issue.Verdict));
                json.WriteString("evidence", issue.Evidence);
                json.WriteString("format", file.Format);
                json.WriteEndObject();
                json.WriteEndObject();
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
