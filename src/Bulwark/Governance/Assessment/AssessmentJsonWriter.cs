using System.Text.Json;
using Bulwark.Kernel;
using Bulwark.Reporting;

namespace Bulwark.Governance.Assessment;

/// <summary>
/// Writes a <see cref="PostureAssessment"/> as JSON: every pillar names its checks, every check its evidence (finding
/// rule, file, line and fingerprint; answer id and line; gateway setting and line), so each score can be traced.
/// <see cref="AssessmentDiffer"/> reads this format back for the trend.
/// </summary>
public static class AssessmentJsonWriter
{
    public const string Kind = "bulwark-gov-assessment";

    public static void Write(PostureAssessment assessment, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("kind", Kind);
        json.WriteString("tool", "bulwark");
        json.WriteString("version", assessment.ToolVersion);
        json.WriteString("assessedAt", assessment.AssessedAt);
        json.WriteNumber("overall", assessment.Overall);
        WriteSources(json, assessment.Sources);
        json.WriteStartArray("pillars");
        foreach (var pillar in assessment.Pillars)
        {
            json.WriteStartObject();
            json.WriteString("pillar", AssessmentNames.Of(pillar.Pillar));
            json.WriteNumber("score", pillar.Score);
            json.WriteNumber("earned", Math.Round(pillar.Earned, 3));
            json.WriteNumber("possible", pillar.Possible);
            json.WriteStringArray("checks", pillar.Checks);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("checks");
        foreach (var check in assessment.Checks) WriteCheck(json, check);
        json.WriteEndArray();
        json.WriteStartArray("frameworks");
        foreach (var framework in assessment.Frameworks) WriteFramework(json, framework);
        json.WriteEndArray();
        json.WriteStartArray("remediation");
        foreach (var item in assessment.Remediation)
        {
            json.WriteStartObject();
            json.WriteNumber("rank", item.Rank);
            json.WriteString("check", item.Check);
            json.WriteString("pillar", AssessmentNames.Of(item.Pillar));
            json.WriteString("title", item.Title);
            json.WriteString("action", item.Action);
            json.WriteNumber("gain", item.Gain);
            if (item.WorstSeverity is { } severity) json.WriteString("worstSeverity", severity.ToLowerName());
            json.WriteStringArray("where", item.Where);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (assessment.Diff is { } diff) WriteDiff(json, diff, assessment.Overall);
        json.WriteEndObject();
    }

    private static void WriteSources(Utf8JsonWriter json, AssessmentSources sources)
    {
        json.WriteStartObject("sources");
        json.WriteString("root", sources.Root);
        json.WriteNumber("filesScanned", sources.FilesScanned);
        json.WriteNumber("findings", sources.Findings);
        json.WriteString("inventory", sources.Inventory);
        json.WriteString("questionnaire", sources.Questionnaire);
        json.WriteString("gatewayConfig", sources.GatewayConfig);
        json.WriteString("gatewayKeys", sources.GatewayKeys);
        json.WriteStringArray("notes", sources.Notes);
        json.WriteEndObject();
    }

    private static void WriteCheck(Utf8JsonWriter json, CheckResult check)
    {
        json.WriteStartObject();
        json.WriteString("id", check.Id);
        json.WriteString("pillar", AssessmentNames.Of(check.Pillar));
        json.WriteString("title", check.Title);
        json.WriteString("source", AssessmentNames.Of(check.Source));
        json.WriteNumber("weight", check.Weight);
        json.WriteString("outcome", AssessmentNames.Of(check.Outcome));
        json.WriteNumber("credit", check.Credit);
        json.WriteStringArray("tags", check.Tags);
        json.WriteString("remediation", check.Remediation);
        json.WriteStartArray("evidence");
        foreach (var e in check.Evidence)
        {
            json.WriteStartObject();
            json.WriteString("kind", AssessmentNames.Of(e.Kind));
            json.WriteString("reference", e.Reference);
            json.WriteString("detail", e.Detail);
            if (e.File is not null) json.WriteString("file", e.File);
            if (e.Line is { } line) json.WriteNumber("line", line);
            if (e.Fingerprint is not null) json.WriteString("fingerprint", e.Fingerprint);
            if (e.Severity is { } severity) json.WriteString("severity", severity.ToLowerName());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteFramework(Utf8JsonWriter json, FrameworkCoverage framework)
    {
        json.WriteStartObject();
        json.WriteString("id", framework.Framework);
        json.WriteString("name", framework.Name);
        json.WriteNumber("controls", framework.Controls.Count);
        json.WriteNumber("met", framework.Met);
        json.WriteNumber("gaps", framework.Gaps);
        json.WriteNumber("notAssessed", framework.NotAssessed);
        json.WriteNumber("metShare", Math.Round(framework.MetShare, 4));
        json.WriteStartArray("items");
        foreach (var control in framework.Controls.Where(c => c.State != ControlState.NotAssessed))
        {
            json.WriteStartObject();
            json.WriteString("id", control.Id);
            json.WriteString("title", control.Title);
            json.WriteString("state", AssessmentNames.Of(control.State));
            json.WriteStringArray("checks", control.Checks);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteDiff(Utf8JsonWriter json, AssessmentDiff diff, double overall)
    {
        json.WriteStartObject("diff");
        json.WriteString("previous", diff.PreviousPath);
        json.WriteString("previousAssessedAt", diff.PreviousAssessedAt);
        json.WriteNumber("previousOverall", diff.PreviousOverall);
        json.WriteNumber("overallDelta", Math.Round(diff.OverallDelta(overall), 1));
        json.WriteStartArray("pillars");
        foreach (var pillar in diff.Pillars)
        {
            json.WriteStartObject();
            json.WriteString("pillar", AssessmentNames.Of(pillar.Pillar));
            json.WriteNumber("previous", pillar.Previous);
            json.WriteNumber("current", pillar.Current);
            json.WriteNumber("delta", Math.Round(pillar.Delta, 1));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("changes");
        foreach (var change in diff.Changes)
        {
            json.WriteStartObject();
            json.WriteString("check", change.Check);
            json.WriteString("title", change.Title);
            json.WriteString("previous", change.Previous is { } p ? AssessmentNames.Of(p) : null);
            json.WriteString("current", change.Current is { } c ? AssessmentNames.Of(c) : null);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

}
