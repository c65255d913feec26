using Bulwark.Governance.Bias;

namespace Bulwark.Tests.Governance.Bias;

/// <summary>
/// Every metric of <see cref="BiasFixtures"/> against values computed by hand (min group size 1 so all groups are judged).
/// </summary>
public sealed class FairnessReferenceTests
{
    private const double Eps = 1e-12;
    private static readonly BiasColumns Columns = new(["gender", "age"], "y", "yhat");
    private static readonly BiasThresholds Judged = new() { MinGroupSize = 1 };

    private static BiasReport Report() =>
        BiasAnalyzer.Analyse(BiasDataReader.ReadCsv(new StringReader(BiasFixtures.Csv), Columns), Columns, Judged, "fixture");

    [Fact]
    public void Gender_groups_match_hand_computed_values()
    {
        // F = F|young + F|old: TP 1+2=3, FP 1+0=1, FN 1+1=2, TN 2+2=4, n=10.
        //   selection (3+1)/10 = 0.4; base (3+2)/10 = 0.5; TPR 3/5 = 0.6; FPR 1/5 = 0.2; precision 3/4 = 0.75.
        // M = M|young + M|old: TP 2+1=3, FP 2+1=3, FN 0+1=1, TN 1+2=3, n=10.
        //   selection 6/10 = 0.6; base 4/10 = 0.4; TPR 3/4 = 0.75; FPR 3/6 = 0.5; precision 3/6 = 0.5.
        // Parity difference 0.6 − 0.4 = 0.2; ratio 0.4/0.6 = 2/3. Most favoured M; DI(F) = 2/3 < 0.8 → flagged.
        // TPR spread 0.75 − 0.6 = 0.15 (equal opportunity); FPR spread 0.5 − 0.2 = 0.3; equalised odds max = 0.3 > 0.1.
        var gender = Report().Analyses[0];
        Assert.Equal("gender", gender.Attribute);
        var f = gender.Groups.Single(g => g.Name == "F");
        var m = gender.Groups.Single(g => g.Name == "M");
        Assert.Equal(new ConfusionCounts(3, 1, 2, 4), f.Counts);
        Assert.Equal(new ConfusionCounts(3, 3, 1, 3), m.Counts);
        AssertRates(f, 0.4, 0.5, 0.6, 0.2, 0.75, 2.0 / 3);
        AssertRates(m, 0.6, 0.4, 0.75, 0.5, 0.5, 1.0);
        Assert.Equal("M", gender.ReferenceGroup);
        Assert.Equal(0.2, gender.DemographicParityDifference!.Value, Eps);
        Assert.Equal(2.0 / 3, gender.DemographicParityRatio!.Value, Eps);
        Assert.Equal(0.15, gender.EqualOpportunityDifference!.Value, Eps);
        Assert.Equal(0.3, gender.FalsePositiveRateSpread!.Value, Eps);
        Assert.Equal(0.3, gender.EqualisedOddsDifference!.Value, Eps);
        Assert.Equal(BiasVerdict.Fail, gender.Verdict);
        Assert.Equal(2, gender.Reasons.Count); // DI of F, and equalised odds
    }

    [Fact]
    public void Intersectional_groups_are_the_cross_product_with_hand_computed_values()
    {
        // F|old   (2,0,1,2): selection 2/5 = 0.4, base 3/5 = 0.6, TPR 2/3, FPR 0/2 = 0, precision 2/2 = 1.
        // F|young (1,1,1,2): selection 0.4, base 0.4, TPR 1/2, FPR 1/3, precision 1/2.
        // M|old   (1,1,1,2): the same as F|young.
        // M|young (2,2,0,1): selection 4/5 = 0.8, base 0.4, TPR 2/2 = 1, FPR 2/3, precision 2/4 = 0.5.
        // Most favoured M|young (0.8): DI of the others 0.4/0.8 = 0.5. Parity difference 0.8 − 0.4 = 0.4, ratio 0.5.
        // TPR spread 1 − 0.5 = 0.5; FPR spread 2/3 − 0 = 2/3; equalised odds 2/3.
        var x = Report().Analyses[2];
        Assert.True(x.Intersectional);
        Assert.Equal("gender|age", x.Attribute);
        Assert.Equal(["F|old", "F|young", "M|old", "M|young"], x.Groups.Select(g => g.Name));
        AssertRates(x.Groups[0], 0.4, 0.6, 2.0 / 3, 0, 1, 0.5);
        AssertRates(x.Groups[1], 0.4, 0.4, 0.5, 1.0 / 3, 0.5, 0.5);
        AssertRates(x.Groups[3], 0.8, 0.4, 1, 2.0 / 3, 0.5, 1);
        Assert.Equal("M|young", x.ReferenceGroup);
        Assert.Equal(0.4, x.DemographicParityDifference!.Value, Eps);
        Assert.Equal(0.5, x.DemographicParityRatio!.Value, Eps);
        Assert.Equal(0.5, x.EqualOpportunityDifference!.Value, Eps);
        Assert.Equal(2.0 / 3, x.EqualisedOddsDifference!.Value, Eps);
        Assert.Equal(4, x.Reasons.Count);
    }

    [Fact]
    public void Age_is_analysed_on_its_own_and_the_report_fails()
    {
        // young = F|young + M|young: (3,3,1,3), the same counts as M above; old = (3,1,2,4), as F.
        var report = Report();
        var age = report.Analyses[1];
        Assert.Equal("age", age.Attribute);
        Assert.Equal(2.0 / 3, age.Groups.Single(g => g.Name == "old").DisparateImpact!.Value, Eps);
        Assert.Equal(3, report.Analyses.Count);
        Assert.Equal(BiasVerdict.Fail, report.Verdict);
        Assert.Equal(20, report.Rows);
    }

    [Fact]
    public void Jsonl_gives_the_same_numbers_as_csv()
    {
        var fromJsonl = BiasAnalyzer.Analyse(BiasDataReader.ReadJsonl(new StringReader(BiasFixtures.Jsonl), Columns), Columns, Judged);
        var fromCsv = Report();
        for (var i = 0; i < 3; i++)
            Assert.Equal(fromCsv.Analyses[i].Groups.Select(g => g.Counts), fromJsonl.Analyses[i].Groups.Select(g => g.Counts));
    }

    [Fact]
    public void Four_fifths_boundary_is_inclusive()
    {
        // A: 5 of 10 selected (0.5); B: 4 of 10 (0.4): DI = 0.4/0.5 = 0.8 exactly, which passes ("less than 0.8" fails).
        // Labels equal predictions, so TPR = 1 and FPR = 0 in both: equalised odds 0.
        var groups = new[] { ("A", new ConfusionCounts(5, 0, 0, 5)), ("B", new ConfusionCounts(4, 0, 0, 6)) };
        var a = BiasAnalyzer.AnalyseGroups("g", false, groups, Judged);
        Assert.Equal(0.8, a.Groups[1].DisparateImpact!.Value, Eps);
        Assert.Equal(0.0, a.EqualisedOddsDifference!.Value, Eps);
        Assert.Equal(BiasVerdict.Pass, a.Verdict);
    }

    private static void AssertRates(GroupMetrics g, double selection, double baseRate, double tpr, double fpr, double precision, double impact)
    {
        Assert.Equal(selection, g.SelectionRate!.Value, Eps);
        Assert.Equal(baseRate, g.BaseRate!.Value, Eps);
        Assert.Equal(tpr, g.TruePositiveRate!.Value, Eps);
        Assert.Equal(fpr, g.FalsePositiveRate!.Value, Eps);
        Assert.Equal(precision, g.Precision!.Value, Eps);
        Assert.Equal(impact, g.DisparateImpact!.Value, Eps);
    }
}
