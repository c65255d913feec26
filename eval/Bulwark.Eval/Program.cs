using Bulwark.Eval;

// Accuracy evaluations over ../shared/datasets; results are written under eval/results/.
var which = args.FirstOrDefault() ?? "secrets";
if (which is not ("secrets" or "prompt-attacks" or "poisoning" or "pii" or "models"))
{
    Console.Error.WriteLine($"unknown evaluation '{which}' (known: secrets, prompt-attacks, poisoning, pii, models)");
    return 2;
}
if (RepositoryPaths.Shared is not { } shared)
{
    Console.Error.WriteLine(RepositoryPaths.MissingSharedMessage);
    return 2;
}

var results = Path.Combine(RepositoryPaths.Root, "eval", "results");
Directory.CreateDirectory(results);
if (which == "poisoning")
{
    var poisoning = PoisoningEvaluation.Run(shared, Console.Error.WriteLine);
    File.WriteAllText(Path.Combine(results, "poisoning.md"), PoisoningEvaluation.ToMarkdown(poisoning));
    Console.WriteLine($"poisoning: triggers {poisoning.TriggerRecall:P1}, flipped labels {poisoning.FlipRecall:P1}, false alarms {poisoning.FalseAlarmRate:P2}; written to {results}");
    return 0;
}
if (which == "prompt-attacks")
{
    // Experiments: key=value overrides of the trainer options; "tune" runs the inner validation split only.
    foreach (var setting in args.Skip(1).Where(a => a.Contains('=') && !a.StartsWith("sources=", StringComparison.Ordinal)))
        PromptAttackEvaluation.Options = TrainerSettings.Apply(PromptAttackEvaluation.Options, setting);
    if (args.Skip(1).FirstOrDefault(a => a.StartsWith("sources=", StringComparison.Ordinal)) is { } only)
    {
        PromptAttackEvaluation.OnlySources = only["sources=".Length..].Split(',').ToHashSet();
        PromptAttackEvaluation.Run(shared, Console.Error.WriteLine);
        return 0;
    }
    if (args.Contains("tune"))
    {
        var inner = PromptAttackEvaluation.Tune(shared, Console.Error.WriteLine);
        Console.WriteLine($"inner validation: AUC {inner.RocAuc:0.000}, TPR@1% {inner.TprAt1:P1}, TPR@2% {inner.TprAt2:P1}, at threshold TPR {inner.TprAtThreshold:P1} FPR {inner.FprAtThreshold:P2}");
        return 0;
    }
    var attacks = PromptAttackEvaluation.Run(shared, Console.Error.WriteLine);
    File.WriteAllText(Path.Combine(results, "prompt-attacks.md"), PromptAttackEvaluation.ToMarkdown(attacks));
    Console.WriteLine($"prompt attacks: in distribution AUC {attacks.InDistribution.RocAuc:0.000}, TPR@1% {attacks.InDistribution.TprAt1:P1}; " +
        $"leave one source out AUC {attacks.LeaveOneSourceOut.RocAuc:0.000}, TPR@2% {attacks.LeaveOneSourceOut.TprAt2:P1}; written to {results}");
    return 0;
}

if (which == "models")
{
    var cases = ModelScanEvaluation.Run(shared);
    File.WriteAllText(Path.Combine(results, "model-scan.md"), ModelScanEvaluation.ToMarkdown(cases));
    var malicious = cases.Where(c => c.Malicious).ToList();
    Console.WriteLine($"model scan: {malicious.Count(c => c.Flagged)}/{malicious.Count} malicious flagged, {cases.Count(c => !c.Malicious && c.Flagged)}/{cases.Count(c => !c.Malicious)} benign flagged malicious; written to {results}");
    return 0;
}

if (which == "pii")
{
    return PiiEvaluationCommand.Run(shared, results, args.Contains("--verbose"));
}

var result = SecretsEvaluation.Run(shared);
File.WriteAllText(Path.Combine(results, "secrets.md"), SecretsEvaluation.ToMarkdown(result));
File.WriteAllText(Path.Combine(results, "secrets.json"), SecretsEvaluation.ToJson(result) + "\n");
Console.WriteLine($"secret rules: {result.Rules}; recall {result.Total.Recall:P1} ({result.Total.Detected}/{result.Total.Positives}); " +
    $"false-positive rate {result.Total.FalsePositiveRate:P1} ({result.Total.FalsePositives}/{result.Total.Negatives}); written to {results}");
return 0;
