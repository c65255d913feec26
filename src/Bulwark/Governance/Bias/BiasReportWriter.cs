using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Reporting;

namespace Bulwark.Governance.Bias;

/// <summary>Writes a <see cref="BiasReport"/> as JSON or Markdown. Undefined values are JSON null or "—", never NaN.</summary>
public static class BiasReportWriter
{
    public static void WriteJson(BiasReport report, Stream stream, string toolVersion)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("tool", "bulwark");
        json.WriteString("version", toolVersion);
        json.WriteString("source", report.Source);
        json.WriteNumber("rows", report.Rows);
        json.WriteStartObject("columns");
        json.WriteStringArray("sensitive", report.Columns.Sensitive);
        json.WriteString("label", report.Columns.Label);
        json.WriteString("prediction", report.Columns.Prediction);
        json.WriteString("positive", report.Columns.Positive);
        json.WriteEndObject();
        json.WriteStartObject("thresholds");
        json.WriteNumber("minDisparateImpact", report.Thresholds.MinDisparateImpact);
        json.WriteNumber("maxEqualisedOddsDifference", report.Thresholds.MaxEqualisedOddsDifference);
        json.WriteNumber("minGroupSize", report.Thresholds.MinGroupSize);
        json.WriteEndObject();
        json.WriteString("verdict", Name(report.Verdict));
        json.WriteStartArray("analyses");
        foreach (var a in report.Analyses) WriteAnalysis(json, a);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteAnalysis(Utf8JsonWriter json, AttributeAnalysis a)
    {
        json.WriteStartObject();
        json.WriteString("attribute", a.Attribute);
        json.WriteBoolean("intersectional", a.Intersectional);
        json.WriteString("verdict", Name(a.Verdict));
        json.WriteString("referenceGroup", a.ReferenceGroup);
        json.WriteNumberOrNull("demographicParityDifference", a.DemographicParityDifference);
        json.WriteNumberOrNull("demographicParityRatio", a.DemographicParityRatio);
        json.WriteNumberOrNull("equalOpportunityDifference", a.EqualOpportunityDifference);
        json.WriteNumberOrNull("equalisedOddsDifference", a.EqualisedOddsDifference);
        json.WriteNumberOrNull("truePositiveRateSpread", a.TruePositiveRateSpread);
        json.WriteNumberOrNull("falsePositiveRateSpread", a.FalsePositiveRateSpread);
        json.WriteStringArray("reasons", a.Reasons);
        json.WriteStringArray("notes", a.Notes);
        json.WriteStartArray("groups");
        foreach (var g in a.Groups)
        {
            json.WriteStartObject();
            json.WriteString("name", g.Name);
            json.WriteNumber("n", g.N);
            json.WriteBoolean("judged", g.Eligible);
            json.WriteNumber("truePositives", g.Counts.TruePositives);
            json.WriteNumber("falsePositives", g.Counts.FalsePositives);
            json.WriteNumber("falseNegatives", g.Counts.FalseNegatives);
            json.WriteNumber("trueNegatives", g.Counts.TrueNegatives);
            json.WriteNumberOrNull("selectionRate", g.SelectionRate);
            json.WriteNumberOrNull("baseRate", g.BaseRate);
            json.WriteNumberOrNull("truePositiveRate", g.TruePositiveRate);
            json.WriteNumberOrNull("falsePositiveRate", g.FalsePositiveRate);
            json.WriteNumberOrNull("precision", g.Precision);
            json.WriteNumberOrNull("disparateImpact", g.DisparateImpact);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteMarkdown(BiasReport report, TextWriter w)
    {
        w.WriteLine("# Bias report");
        w.WriteLine();
        w.WriteLine(F($"- Data: `{report.Source}`, {report.Rows:N0} rows; label `{report.Columns.Label}`, prediction `{report.Columns.Prediction}`"));
        w.WriteLine(F($"- Thresholds: disparate impact ≥ {report.Thresholds.MinDisparateImpact}, equalised odds difference ≤ {report.Thresholds.MaxEqualisedOddsDifference}, groups judged from {report.Thresholds.MinGroupSize} rows"));
        w.WriteLine(F($"- **Verdict: {Name(report.Verdict)}**"));
        foreach (var a in report.Analyses)
        {
            w.WriteLine();
            w.WriteLine(F($"## {(a.Intersectional ? "Intersectional: " : "")}{Cell(a.Attribute)} — {Name(a.Verdict)}"));
            w.WriteLine();
            w.WriteLine(F($"Demographic parity difference {Rate(a.DemographicParityDifference)}, ratio {Rate(a.DemographicParityRatio)}; equal opportunity difference {Rate(a.EqualOpportunityDifference)}; equalised odds difference {Rate(a.EqualisedOddsDifference)}; most-favoured group `{a.ReferenceGroup ?? "—"}`."));
            w.WriteLine();
            w.WriteLine("| Group | n | Selection rate | Base rate | TPR | FPR | Precision | Disparate impact | Judged |");
            w.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var g in a.Groups)
                w.WriteLine(F($"| {Cell(g.Name)} | {g.N} | {Rate(g.SelectionRate)} | {Rate(g.BaseRate)} | {Rate(g.TruePositiveRate)} | {Rate(g.FalsePositiveRate)} | {Rate(g.Precision)} | {Rate(g.DisparateImpact)}{(g.Eligible && g.DisparateImpact < report.Thresholds.MinDisparateImpact ? " ⚠" : "")} | {(g.Eligible ? "yes" : "no (small)")} |"));
            if (a.Reasons.Count + a.Notes.Count > 0) w.WriteLine();
            foreach (var r in a.Reasons) w.WriteLine(F($"- **Fails:** {Cell(r)}"));
            foreach (var n in a.Notes) w.WriteLine(F($"- Note: {Cell(n)}"));
        }
    }

    /// <summary>Three decimals, or an em dash for an undefined value.</summary>
    public static string Rate(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    public static string Name(BiasVerdict verdict) => verdict.ToString().ToLowerInvariant();

    private static string Cell(string text) => new StringBuilder(text).Replace("|", "\\|").Replace("\n", " ").ToString();

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
