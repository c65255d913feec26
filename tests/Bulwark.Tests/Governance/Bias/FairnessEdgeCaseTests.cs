using Bulwark.Governance.Bias;

namespace Bulwark.Tests.Governance.Bias;

/// <summary>The documented edge-case rules (docs/governance-bias.md, "Edge cases").</summary>
public sealed class FairnessEdgeCaseTests
{
    private const double Eps = 1e-12;
    private static readonly BiasThresholds Judged = new() { MinGroupSize = 1 };

    private static AttributeAnalysis Analyse(BiasThresholds thresholds, params (string, ConfusionCounts)[] groups) =>
        BiasAnalyzer.AnalyseGroups("g", false, groups, thresholds);

    [Fact]
    public void Group_without_positives_has_null_tpr_left_out_of_the_spread_and_noted()
    {
        // A (2,1,2,5): TPR 2/4 = 0.5, FPR 1/6. B (0,1,0,4): no positives → TPR null, FPR 1/5. C (3,1,1,5): TPR 0.75, FPR 1/6.
        // TPR spread over A and C only: 0.75 − 0.5 = 0.25. FPR spread 1/5 − 1/6 = 1/30.
        var a = Analyse(Judged, ("A", new(2, 1, 2, 5)), ("B", new(0, 1, 0, 4)), ("C", new(3, 1, 1, 5)));
        Assert.Null(a.Groups[1].TruePositiveRate);
        Assert.Equal(0.25, a.EqualOpportunityDifference!.Value, Eps);
        Assert.Equal(1.0 / 30, a.FalsePositiveRateSpread!.Value, Eps);
        Assert.Equal(0.25, a.EqualisedOddsDifference!.Value, Eps);
        Assert.Contains(a.Notes, n => n.Contains("'B' has no positive labels", StringComparison.Ordinal));
    }

    [Fact]
    public void Small_group_is_reported_but_not_judged()
    {
        // Big1 and Big2 select 0.5 each; Tiny (n=3) selects 0 and would fail the four-fifths rule if judged.
        var a = Analyse(new BiasThresholds { MinGroupSize = 10 },
            ("Big1", new(5, 5, 5, 5)), ("Big2", new(5, 5, 5, 5)), ("Tiny", new(0, 0, 1, 2)));
        var tiny = a.Groups.Single(g => g.Name == "Tiny");
        Assert.False(tiny.Eligible);
        Assert.Equal(0.0, tiny.DisparateImpact!.Value, Eps); // still computed against the most-favoured judged group
        Assert.Equal(0.0, a.DemographicParityDifference!.Value, Eps);
        Assert.Equal(BiasVerdict.Pass, a.Verdict);
        Assert.Contains(a.Notes, n => n.Contains("'Tiny' has 3 rows", StringComparison.Ordinal));
    }

    [Fact]
    public void One_category_gives_zero_differences_ratio_one_and_inconclusive()
    {
        var a = Analyse(Judged, ("only", new(3, 2, 1, 4)));
        Assert.Equal(0.0, a.DemographicParityDifference!.Value, Eps);
        Assert.Equal(1.0, a.DemographicParityRatio!.Value, Eps);
        Assert.Equal(1.0, a.Groups[0].DisparateImpact!.Value, Eps);
        Assert.Equal(0.0, a.EqualisedOddsDifference!.Value, Eps);
        Assert.Equal(BiasVerdict.Inconclusive, a.Verdict);
    }

    [Fact]
    public void All_predictions_negative_leave_ratio_and_impact_undefined()
    {
        // Selection rate 0 everywhere: difference 0, ratio 0/0 → null, DI null; TPR 0 and FPR 0 in both → odds 0.
        var a = Analyse(Judged, ("A", new(0, 0, 3, 7)), ("B", new(0, 0, 5, 5)));
        Assert.Equal(0.0, a.DemographicParityDifference!.Value, Eps);
        Assert.Null(a.DemographicParityRatio);
        Assert.All(a.Groups, g => Assert.Null(g.DisparateImpact));
        Assert.Equal(BiasVerdict.Pass, a.Verdict);
        Assert.Contains(a.Notes, n => n.Contains("selection rate of 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Identical_distributions_pass_with_zero_differences()
    {
        var a = Analyse(Judged, ("A", new(4, 1, 1, 4)), ("B", new(8, 2, 2, 8)));
        Assert.Equal(0.0, a.DemographicParityDifference!.Value, Eps);
        Assert.Equal(1.0, a.DemographicParityRatio!.Value, Eps);
        Assert.Equal(0.0, a.EqualisedOddsDifference!.Value, Eps);
        Assert.Equal(BiasVerdict.Pass, a.Verdict);
    }

    [Fact]
    public void No_group_big_enough_is_inconclusive_with_null_metrics()
    {
        var a = Analyse(BiasThresholds.Default, ("A", new(1, 1, 1, 1)), ("B", new(2, 0, 0, 2)));
        Assert.Null(a.DemographicParityDifference);
        Assert.Null(a.EqualisedOddsDifference);
        Assert.Equal(BiasVerdict.Inconclusive, a.Verdict);
    }

    [Fact]
    public void Thresholds_can_be_changed()
    {
        // Gender of the fixture: DI(F) = 2/3, equalised odds 0.3. Loosened to 0.6 and 0.35 it passes.
        var columns = new BiasColumns(["gender"], "y", "yhat");
        var counts = BiasDataReader.ReadCsv(new StringReader(BiasFixtures.Csv), columns);
        var report = BiasAnalyzer.Analyse(counts, columns, new BiasThresholds { MinGroupSize = 1, MinDisparateImpact = 0.6, MaxEqualisedOddsDifference = 0.35 });
        Assert.Equal(BiasVerdict.Pass, report.Verdict);
    }

    [Fact]
    public void Spread_and_ratio_helpers_handle_empty_input()
    {
        Assert.Null(FairnessMetrics.Spread([]));
        Assert.Null(FairnessMetrics.MinMaxRatio([null]));
        Assert.Null(FairnessMetrics.EqualisedOddsDifference(null, null));
        Assert.Equal(0.2, FairnessMetrics.EqualisedOddsDifference(null, 0.2)!.Value, Eps);
        Assert.Null(FairnessMetrics.TruePositiveRate(default));
    }
}
