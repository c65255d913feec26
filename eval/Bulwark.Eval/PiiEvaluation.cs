using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Data;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Eval;

/// <summary>Span counts for one entity type (or the total).</summary>
public sealed record EntityScore(string Entity, int Gold, int GoldFound, int Predicted, int PredictedCorrect)
{
    public double Recall => Gold == 0 ? double.NaN : (double)GoldFound / Gold;
    public double Precision => Predicted == 0 ? double.NaN : (double)PredictedCorrect / Predicted;
    public double F1 => Recall + Precision is var s && s > 0 ? 2 * Recall * Precision / s : 0;
}

public sealed record PiiEvaluationResult(EntityScore Total, IReadOnlyList<EntityScore> Entities, int Rows, int Rules, int UnscoredPredictions, IReadOnlyList<string> Misses, IReadOnlyList<string> FalsePositives);

/// <summary>
/// Scores the PII rules (`bulwark detect --jsonl --family pii`, run in process) on Presidio's synthetic sentences
/// (../shared/datasets/pii_presidio_synth). Span overlap: a gold span is found when a prediction of the same type
/// overlaps it; a prediction is correct when it overlaps a gold span of its type. Predictions of types the data
/// set does not annotate (IN_PAN, MAC_ADDRESS, ...) are unscored unless they overlap a gold span of another type,
/// where they count as wrong. Bulwark's Presidio names map onto the data set's: LOCATION→GPE, URL→DOMAIN_NAME,
/// DATE_OF_BIRTH→DATE_TIME.
/// </summary>
public static class PiiEvaluation
{
    public const string DatasetRelativePath = "datasets/pii_presidio_synth/synth_dataset_v2.jsonl";

    private static readonly Dictionary<string, string> ToDatasetType = new(StringComparer.Ordinal)
    {
        ["LOCATION"] = "GPE",
        ["URL"] = "DOMAIN_NAME",
        ["DATE_OF_BIRTH"] = "DATE_TIME",
    };

    public static PiiEvaluationResult Run(string sharedRoot)
    {
        var rules = RuleCatalog.Load().Rules.Where(r => r.Family == "pii").ToList();
        var detector = new TextDetector(rules, ScanLimits.Default, TimeProvider.System);
        var rows = File.ReadLines(Path.Combine(sharedRoot, DatasetRelativePath)).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var labels = rows.SelectMany(r => r.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("entity_type").GetString()!)).ToHashSet(StringComparer.Ordinal);

        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal); // type -> [gold, found, predicted, correct]
        int[] Count(string type) => counts.TryGetValue(type, out var c) ? c : counts[type] = new int[4];
        var unscored = 0;
        var misses = new List<string>();
        var falsePositives = new List<string>();
        foreach (var row in rows)
        {
            var text = row.GetProperty("text").GetString()!;
            var gold = row.GetProperty("spans").EnumerateArray()
                .Select(s => (Type: s.GetProperty("entity_type").GetString()!, Start: s.GetProperty("start").GetInt32(), End: s.GetProperty("end").GetInt32())).ToList();
            var codePoints = new CodePointIndex(text);
            var predicted = detector.MatchText(text).Select(m =>
            {
                var start = (int)m.Start + m.SecretOffset;
                var type = ToDatasetType.GetValueOrDefault(m.Rule.EntityType, m.Rule.EntityType);
                return (Type: type, Start: codePoints.FromUtf16(start), End: codePoints.FromUtf16(start + m.SecretLength), m.Rule.Id);
            }).ToList();

            foreach (var g in gold)
            {
                var c = Count(g.Type);
                c[0]++;
                if (predicted.Any(p => p.Type == g.Type && p.Start < g.End && g.Start < p.End)) c[1]++;
                else misses.Add($"{g.Type}\t{Describe(predicted.Where(p => p.Start < g.End && g.Start < p.End).Select(p => p.Type))}\t{text[g.Start..g.End].Replace('\n', ' ')}");
            }
            foreach (var p in predicted)
            {
                var overlapsAny = gold.Any(g => p.Start < g.End && g.Start < p.End);
                if (!labels.Contains(p.Type) && !overlapsAny)
                {
                    unscored++;
                    continue;
                }
                var c = Count(p.Type);
                c[2]++;
                if (gold.Any(g => g.Type == p.Type && p.Start < g.End && g.Start < p.End)) c[3]++;
                else falsePositives.Add($"{p.Type}\t{p.Id}\t{text[p.Start..p.End].Replace('\n', ' ')}");
            }
        }

        var entities = counts.OrderByDescending(kv => kv.Value[0]).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new EntityScore(kv.Key, kv.Value[0], kv.Value[1], kv.Value[2], kv.Value[3])).ToList();
        var total = new EntityScore("total", entities.Sum(e => e.Gold), entities.Sum(e => e.GoldFound), entities.Sum(e => e.Predicted), entities.Sum(e => e.PredictedCorrect));
        return new PiiEvaluationResult(total, entities, rows.Count, rules.Count, unscored, misses, falsePositives);
    }

    private static string Describe(IEnumerable<string> types) => types.Any() ? "as " + string.Join(",", types.Distinct()) : "missed";

    /// <summary>Presidio's published figures on this data set (presidio-research, default spaCy setup).</summary>
    public static readonly (double Precision, double Recall) PresidioDefault = (0.685, 0.603);

    public static string ToMarkdown(PiiEvaluationResult result, string? notes)
    {
        var md = new StringBuilder();
        var t = result.Total;
        md.AppendLine("# PII detection: evaluation on Presidio's synthetic sentences").AppendLine();
        md.AppendLine("Generated by `dotnet run --project eval/Bulwark.Eval -c Release -- pii`. Data: `../shared/datasets/pii_presidio_synth`")
          .AppendLine(CultureInfo.InvariantCulture, $"({result.Rows} template-generated sentences of presidio-research, MIT; the sentences of a third of the templates are kept back")
          .AppendLine("for an independent check). Detector: the embedded `pii` rules, as `bulwark detect --jsonl --family pii` runs them.")
          .AppendLine("Matching is by span overlap: a gold span counts as found when a prediction of the same type overlaps it; a prediction")
          .AppendLine("is correct when it overlaps a gold span of its type. Bulwark's names map onto the data set's: LOCATION→GPE, URL→DOMAIN_NAME,")
          .AppendLine("DATE_OF_BIRTH→DATE_TIME. Predictions of types the data set does not annotate are left unscored unless they overlap a gold")
          .AppendLine(CultureInfo.InvariantCulture, $"span of another type, where they count as wrong ({result.UnscoredPredictions} unscored).").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"**{result.Rules} PII rules. Overall precision {t.Precision:0.000}, recall {t.Recall:0.000}, F1 {t.F1:0.000}** ")
          .AppendLine(CultureInfo.InvariantCulture, $"(Presidio's published default on this data: precision {PresidioDefault.Precision:0.000}, recall {PresidioDefault.Recall:0.000}).").AppendLine();
        md.AppendLine("| entity | gold | found | recall | predicted | correct | precision | F1 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var e in result.Entities.Append(t))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {e.Entity} | {e.Gold} | {e.GoldFound} | {Format(e.Recall)} | {e.Predicted} | {e.PredictedCorrect} | {Format(e.Precision)} | {e.F1:0.000} |");
        }
        var weak = result.Entities.Where(e => e.Recall < 0.8 || e.Precision < 0.8).Select(e => e.Entity).ToList();
        md.AppendLine().AppendLine("## Types below 0.8 (precision or recall)").AppendLine();
        md.AppendLine(weak.Count == 0 ? "None." : string.Join(", ", weak) + " — see the notes below for why.");
        if (!string.IsNullOrWhiteSpace(notes)) md.AppendLine().Append(notes.TrimEnd()).AppendLine();
        return md.ToString();
    }

    private static string Format(double value) => double.IsNaN(value) ? "–" : value.ToString("0.000", CultureInfo.InvariantCulture);

    public static string ToJson(PiiEvaluationResult result) => JsonSerializer.Serialize(new
    {
        dataset = "pii_presidio_synth",
        rows = result.Rows,
        rules = result.Rules,
        precision = Math.Round(result.Total.Precision, 4),
        recall = Math.Round(result.Total.Recall, 4),
        f1 = Math.Round(result.Total.F1, 4),
        presidioDefault = new { precision = PresidioDefault.Precision, recall = PresidioDefault.Recall },
        unscoredPredictions = result.UnscoredPredictions,
        entities = result.Entities.Select(e => new { e.Entity, e.Gold, e.GoldFound, e.Predicted, e.PredictedCorrect, recall = double.IsNaN(e.Recall) ? (double?)null : Math.Round(e.Recall, 4), precision = double.IsNaN(e.Precision) ? (double?)null : Math.Round(e.Precision, 4) }),
    }, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
