using Bulwark.Eval;

namespace Bulwark.Tests.Eval;

public class SecretsEvaluationTests
{
    [SharedDataFact]
    public void Secret_rules_reach_95_percent_recall_at_at_most_5_percent_false_positives()
    {
        var result = SecretsEvaluation.Run(RepositoryPaths.Shared!);
        Assert.True(result.Total.Recall >= 0.95, $"recall {result.Total.Recall:P1}; misses:\n{string.Join("\n", result.Misses)}");
        Assert.True(result.Total.FalsePositiveRate <= 0.05, $"false-positive rate {result.Total.FalsePositiveRate:P1}");
    }
}
