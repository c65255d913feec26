using Bulwark.Eval;

namespace Bulwark.Tests.Eval;

public class PiiEvaluationTests
{
    // The figures eval/results/pii.md reports, less a small margin: a regression below them fails.
    [SharedDataFact]
    public void Pii_rules_keep_their_precision_and_recall_on_Presidio_synthetic_data()
    {
        var result = PiiEvaluation.Run(RepositoryPaths.Shared!);
        Assert.True(result.Total.Precision >= 0.91, $"precision {result.Total.Precision:0.000}");
        Assert.True(result.Total.Recall >= 0.74, $"recall {result.Total.Recall:0.000}");
    }

    [SharedDataFact]
    public void Person_street_address_and_place_beat_Presidio_default_on_both_counts()
    {
        var result = PiiEvaluation.Run(RepositoryPaths.Shared!);
        foreach (var type in new[] { "PERSON", "STREET_ADDRESS", "GPE" })
        {
            var score = result.Entities.Single(e => e.Entity == type);
            Assert.True(score.Precision > PiiEvaluation.PresidioDefault.Precision, $"{type} precision {score.Precision:0.000}");
            Assert.True(score.Recall > PiiEvaluation.PresidioDefault.Recall, $"{type} recall {score.Recall:0.000}");
        }
    }
}
