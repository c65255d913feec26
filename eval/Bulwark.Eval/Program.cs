using Bulwark.Eval;

// Accuracy evaluations over ../shared/datasets; results are written under eval/results/.
var which = args.FirstOrDefault() ?? "secrets";
if (which != "secrets")
{
    Console.Error.WriteLine($"unknown evaluation '{which}' (known: secrets)");
    return 2;
}
if (RepositoryPaths.Shared is not { } shared)
{
    Console.Error.WriteLine(RepositoryPaths.MissingSharedMessage);
    return 2;
}

var result = SecretsEvaluation.Run(shared);
var results = Path.Combine(RepositoryPaths.Root, "eval", "results");
Directory.CreateDirectory(results);
File.WriteAllText(Path.Combine(results, "secrets.md"), SecretsEvaluation.ToMarkdown(result));
File.WriteAllText(Path.Combine(results, "secrets.json"), SecretsEvaluation.ToJson(result) + "\n");
Console.WriteLine($"secret rules: {result.Rules}; recall {result.Total.Recall:P1} ({result.Total.Detected}/{result.Total.Positives}); " +
    $"false-positive rate {result.Total.FalsePositiveRate:P1} ({result.Total.FalsePositives}/{result.Total.Negatives}); written to {results}");
return 0;
