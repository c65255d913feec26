using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Data;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Eval;

/// <summary>Counts for one Nosey Parker family (or the total).</summary>
public sealed record FamilyScore(string Family, int Positives, int Detected, int DetectedByAnyRule, int Negatives, int FalsePositives, int NegativesFlaggedByAnyRule)
{
    public double Recall => Positives == 0 ? double.NaN : (double)Detected / Positives;
    public double FalsePositiveRate => Negatives == 0 ? double.NaN : (double)FalsePositives / Negatives;
}

public sealed record SecretsEvaluationResult(FamilyScore Total, IReadOnlyList<FamilyScore> Families, int Rules, IReadOnlyList<string> Misses);

/// <summary>
/// Evaluates the secret rules on Nosey Parker's labelled rule examples (../shared/datasets/
/// secrets_noseyparker_rule_examples). A positive counts as detected when a rule mapped to its family
/// (eval/Bulwark.Eval/family-map/*.tsv) fires on it; a negative counts as a false positive when a rule of its
/// own family fires — negatives are near misses for one rule type, so they are scored per type, as the data
/// set's SOURCE.md says. Detection by any rule, and any rule firing on a negative, are reported beside.
/// </summary>
public static class SecretsEvaluation
{
    public const string DatasetRelativePath = "datasets/secrets_noseyparker_rule_examples/examples.jsonl";

    public static SecretsEvaluationResult Run(string sharedRoot)
    {
        var catalog = RuleCatalog.Load();
        var rules = catalog.Rules.Where(r => r.Family == "secret").ToList();
        var detector = new TextDetector(rules, ScanLimits.Default, TimeProvider.System);
        var familyMap = LoadFamilyMap(Path.Combine(RepositoryPaths.Root, "eval", "Bulwark.Eval", "family-map"));

        var rows = File.ReadLines(Path.Combine(sharedRoot, DatasetRelativePath)).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal); // family -> [pos, det, detAny, neg, fp, negAny]
        var misses = new List<string>();
        foreach (var row in rows)
        {
            var ruleId = row.GetProperty("rule_id").GetString()!;
            var family = ruleId.Split('.')[1];
            var positive = row.GetProperty("label").GetString() == "positive";
            var text = row.GetProperty("text").GetString()!;
            var fired = detector.ScanText(text).Select(f => f.RuleId).ToList();
            // A line for the Nosey Parker rule itself ("slack.2") is more precise than one for its family ("slack").
            var prefixes = familyMap.GetValueOrDefault(ruleId["np.".Length..]) ?? familyMap.GetValueOrDefault(family) ?? [];
            var byFamilyRule = fired.Any(id => prefixes.Any(p => id.StartsWith(p, StringComparison.Ordinal)));

            if (!counts.TryGetValue(family, out var c)) counts[family] = c = new int[6];
            if (positive)
            {
                c[0]++;
                if (byFamilyRule) c[1]++;
                else misses.Add($"{ruleId}: {(fired.Count == 0 ? "no finding" : "only " + string.Join(",", fired))}");
                if (fired.Count > 0) c[2]++;
            }
            else
            {
                c[3]++;
                if (byFamilyRule) c[4]++;
                if (fired.Count > 0) c[5]++;
            }
        }

        var families = counts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new FamilyScore(kv.Key, kv.Value[0], kv.Value[1], kv.Value[2], kv.Value[3], kv.Value[4], kv.Value[5])).ToList();
        var total = new FamilyScore("total", families.Sum(f => f.Positives), families.Sum(f => f.Detected), families.Sum(f => f.DetectedByAnyRule),
            families.Sum(f => f.Negatives), families.Sum(f => f.FalsePositives), families.Sum(f => f.NegativesFlaggedByAnyRule));
        return new SecretsEvaluationResult(total, families, rules.Count, misses);
    }

    /// <summary>
    /// Reads <c>key&lt;TAB&gt;rule-id-prefix</c> lines, where the key is a Nosey Parker family (<c>slack</c>) or one of
    /// its rules (<c>slack.2</c>); a key may map to several prefixes.
    /// </summary>
    public static Dictionary<string, List<string>> LoadFamilyMap(string directory)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.tsv").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                var parts = line.Split('\t', StringSplitOptions.TrimEntries);
                if (parts.Length < 2 || parts[0].Length == 0 || parts[0].StartsWith('#')) continue;
                if (!map.TryGetValue(parts[0], out var list)) map[parts[0]] = list = [];
                list.Add(parts[1]);
            }
        }
        return map;
    }

    public static string ToMarkdown(SecretsEvaluationResult result)
    {
        var md = new StringBuilder();
        var t = result.Total;
        md.AppendLine("# Secret detection: evaluation on Nosey Parker rule examples").AppendLine();
        md.AppendLine("Generated by `dotnet run --project eval/Bulwark.Eval -- secrets`. Data: `../shared/datasets/secrets_noseyparker_rule_examples`")
          .AppendLine("(573 labelled snippets of 189 Nosey Parker rules, Apache-2.0). A positive is detected when a Bulwark rule mapped to its")
          .AppendLine("family (`eval/Bulwark.Eval/family-map/`; a line for one Nosey Parker rule, e.g. `slack.2`, takes precedence) fires; a negative is a false positive when a rule of its own family fires")
          .AppendLine("(negatives are near misses for one rule type). Columns marked *any* count every Bulwark secret rule.").AppendLine();
        md.Append(CultureInfo.InvariantCulture, $"**{result.Rules} secret rules. Recall {t.Recall:P1} ({t.Detected}/{t.Positives}); false-positive rate {t.FalsePositiveRate:P1} ({t.FalsePositives}/{t.Negatives}).** ");
        md.AppendLine(CultureInfo.InvariantCulture, $"By any rule: recall {(double)t.DetectedByAnyRule / t.Positives:P1}, negatives flagged {(double)t.NegativesFlaggedByAnyRule / t.Negatives:P1}.").AppendLine();
        md.AppendLine("| family | positives | detected | recall | detected (any) | negatives | false positives | flagged (any) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var f in result.Families.Append(t))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {f.Family} | {f.Positives} | {f.Detected} | {(f.Positives == 0 ? "–" : f.Recall.ToString("P0", CultureInfo.InvariantCulture))} | {f.DetectedByAnyRule} | {f.Negatives} | {f.FalsePositives} | {f.NegativesFlaggedByAnyRule} |");
        }
        if (result.Misses.Count > 0)
        {
            md.AppendLine().AppendLine("## Positives not detected by their family's rules").AppendLine();
            foreach (var miss in result.Misses) md.Append("- ").AppendLine(miss);
        }
        return md.ToString();
    }

    public static string ToJson(SecretsEvaluationResult result) => JsonSerializer.Serialize(new
    {
        dataset = "secrets_noseyparker_rule_examples",
        rules = result.Rules,
        recall = Math.Round(result.Total.Recall, 4),
        falsePositiveRate = Math.Round(result.Total.FalsePositiveRate, 4),
        total = result.Total,
        families = result.Families,
        misses = result.Misses,
    }, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
