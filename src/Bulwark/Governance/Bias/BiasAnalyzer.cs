using System.Globalization;

namespace Bulwark.Governance.Bias;

/// <summary>Turns confusion counts per group into a <see cref="BiasReport"/> with a verdict.</summary>
public static class BiasAnalyzer
{
    // Rates are ratios of counts, so 4/5 may come out as 0.7999999999999999; a hair of tolerance keeps the
    // four-fifths boundary where a person computing by hand would put it.
    private const double Tolerance = 1e-9;

    public static BiasReport Analyse(BiasCounts counts, BiasColumns columns, BiasThresholds? thresholds = null, string source = "")
    {
        thresholds ??= BiasThresholds.Default;
        thresholds.Validate();
        var analyses = new List<AttributeAnalysis>();
        for (var i = 0; i < counts.SensitiveColumns.Count; i++)
            analyses.Add(AnalyseGroups(counts.SensitiveColumns[i], false, counts.GroupBy([i]), thresholds));
        if (counts.SensitiveColumns.Count > 1)
        {
            var all = Enumerable.Range(0, counts.SensitiveColumns.Count).ToArray();
            analyses.Add(AnalyseGroups(string.Join('|', counts.SensitiveColumns), true, counts.GroupBy(all), thresholds));
        }
        return new BiasReport(source, counts.Rows, columns, thresholds, analyses);
    }

    public static AttributeAnalysis AnalyseGroups(string attribute, bool intersectional, IReadOnlyList<(string Name, ConfusionCounts Counts)> groups, BiasThresholds thresholds)
    {
        var notes = new List<string>();
        var eligible = groups.Where(g => g.Counts.N >= thresholds.MinGroupSize).ToList();
        foreach (var small in groups.Where(g => g.Counts.N < thresholds.MinGroupSize))
            notes.Add(F($"group '{small.Name}' has {small.Counts.N} rows, under the minimum of {thresholds.MinGroupSize}: reported, not judged"));

        // The most-favoured group is the eligible group with the highest selection rate (first by name on a tie).
        var reference = eligible.OrderByDescending(g => FairnessMetrics.SelectionRate(g.Counts)).ThenBy(g => g.Name, StringComparer.Ordinal).Select(g => (string?)g.Name).FirstOrDefault();
        var highest = eligible.Select(g => FairnessMetrics.SelectionRate(g.Counts)).Max();

        var metrics = groups.Select(g => new GroupMetrics(
            g.Name, g.Counts,
            FairnessMetrics.SelectionRate(g.Counts), FairnessMetrics.BaseRate(g.Counts),
            FairnessMetrics.TruePositiveRate(g.Counts), FairnessMetrics.FalsePositiveRate(g.Counts), FairnessMetrics.Precision(g.Counts),
            FairnessMetrics.DisparateImpact(FairnessMetrics.SelectionRate(g.Counts), highest),
            g.Counts.N >= thresholds.MinGroupSize)).ToList();
        var judged = metrics.Where(m => m.Eligible).ToList();

        foreach (var m in judged.Where(m => m.TruePositiveRate is null))
            notes.Add($"group '{m.Name}' has no positive labels: its TPR is undefined and left out of equal opportunity and equalised odds");
        foreach (var m in judged.Where(m => m.FalsePositiveRate is null))
            notes.Add($"group '{m.Name}' has no negative labels: its FPR is undefined and left out of equalised odds");

        var tprSpread = FairnessMetrics.Spread(judged.Select(m => m.TruePositiveRate));
        var fprSpread = FairnessMetrics.Spread(judged.Select(m => m.FalsePositiveRate));
        var parityRatio = FairnessMetrics.MinMaxRatio(judged.Select(m => m.SelectionRate));
        if (judged.Count > 0 && parityRatio is null) notes.Add("every judged group has a selection rate of 0: the parity ratio and disparate impact are undefined");
        var odds = FairnessMetrics.EqualisedOddsDifference(tprSpread, fprSpread);

        var reasons = new List<string>();
        foreach (var m in judged.Where(m => m.DisparateImpact < thresholds.MinDisparateImpact - Tolerance))
            reasons.Add(F($"group '{m.Name}': disparate impact {m.DisparateImpact:0.###} is under {thresholds.MinDisparateImpact:0.###} (vs '{reference}')"));
        if (odds > thresholds.MaxEqualisedOddsDifference + Tolerance)
            reasons.Add(F($"equalised odds difference {odds:0.###} is over {thresholds.MaxEqualisedOddsDifference:0.###}"));
        var verdict = reasons.Count > 0 ? BiasVerdict.Fail : judged.Count < 2 ? BiasVerdict.Inconclusive : BiasVerdict.Pass;
        if (judged.Count == 0) notes.Add(F($"no group has at least {thresholds.MinGroupSize} rows: the differences and ratios are undefined"));
        else if (judged.Count == 1) notes.Add(F($"one group of at least {thresholds.MinGroupSize} rows: nothing to compare, differences are 0 and the ratio 1"));

        return new AttributeAnalysis(attribute, intersectional, metrics, reference,
            FairnessMetrics.Spread(judged.Select(m => m.SelectionRate)), parityRatio,
            tprSpread, fprSpread, tprSpread, odds, verdict, reasons, notes);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
