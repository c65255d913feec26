using Bulwark.Eval;

// Accuracy evaluations over ../shared/datasets; results are written under eval/results/.
var which = args.FirstOrDefault() ?? "secrets";
if (which is not ("secrets" or "prompt-attacks" or "pii"))
{
    Console.Error.WriteLine($"unknown evaluation '{which}' (known: secrets, prompt-attacks, pii)");
    return 2;
}
if (RepositoryPaths.Shared is not { } shared)
{
    Console.Error.WriteLine(RepositoryPaths.MissingSharedMessage);
    return 2;
}

var results = Path.Combine(RepositoryPaths.Root, "eval", "results");
Directory.CreateDirectory(results);
if (which == "prompt-attacks")
{
    var attacks = PromptAttackEvaluation.Run(shared, Console.Error.WriteLine);
    File.WriteAllText(Path.Combine(results, "prompt-attacks.md"), PromptAttackEvaluation.ToMarkdown(attacks));
    Console.WriteLine($"prompt attacks: in distribution AUC {attacks.InDistribution.RocAuc:0.000}, TPR@1% {attacks.InDistribution.TprAt1:P1}; " +
        $"leave one source out AUC {attacks.LeaveOneSourceOut.RocAuc:0.000}, TPR@2% {attacks.LeaveOneSourceOut.TprAt2:P1}; written to {results}");
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
