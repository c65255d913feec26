namespace Bulwark.Governance.Bias;

/// <summary>
/// The fairness formulas as pure functions over confusion counts (docs/governance-bias.md). A rate whose denominator
/// is zero is undefined and returned as null, never NaN, so reports and JSON stay honest about it.
/// </summary>
public static class FairnessMetrics
{
    /// <summary>Selection rate P(ŷ=1) = (TP + FP) / n.</summary>
    public static double? SelectionRate(ConfusionCounts c) => Divide(c.PredictedPositives, c.N);

    /// <summary>Base rate P(y=1) = (TP + FN) / n.</summary>
    public static double? BaseRate(ConfusionCounts c) => Divide(c.Positives, c.N);

    /// <summary>True-positive rate P(ŷ=1 | y=1) = TP / (TP + FN); null for a group with no positives.</summary>
    public static double? TruePositiveRate(ConfusionCounts c) => Divide(c.TruePositives, c.Positives);

    /// <summary>False-positive rate P(ŷ=1 | y=0) = FP / (FP + TN); null for a group with no negatives.</summary>
    public static double? FalsePositiveRate(ConfusionCounts c) => Divide(c.FalsePositives, c.Negatives);

    /// <summary>Precision P(y=1 | ŷ=1) = TP / (TP + FP); null for a group with no positive predictions.</summary>
    public static double? Precision(ConfusionCounts c) => Divide(c.TruePositives, c.PredictedPositives);

    /// <summary>max − min of the defined values; null when none is defined, 0 for a single value.</summary>
    public static double? Spread(IEnumerable<double?> values)
    {
        var defined = values.Where(v => v.HasValue).Select(v => v!.Value).ToList();
        return defined.Count == 0 ? null : defined.Max() - defined.Min();
    }

    /// <summary>min / max of the defined values; null when none is defined or the max is 0 (every rate 0: no favoured group).</summary>
    public static double? MinMaxRatio(IEnumerable<double?> values)
    {
        var defined = values.Where(v => v.HasValue).Select(v => v!.Value).ToList();
        if (defined.Count == 0) return null;
        var max = defined.Max();
        return max == 0 ? null : defined.Min() / max;
    }

    /// <summary>Disparate impact of a group = its selection rate / the highest selection rate; null when that is 0.</summary>
    public static double? DisparateImpact(double? selectionRate, double? highestSelectionRate) =>
        selectionRate is { } rate && highestSelectionRate is { } highest && highest > 0 ? rate / highest : null;

    /// <summary>
    /// Equalised odds difference as Fairlearn defines it: max(TPR spread, FPR spread). A spread that is undefined
    /// (no group with positives, or none with negatives) is left out; both undefined gives null.
    /// </summary>
    public static double? EqualisedOddsDifference(double? tprSpread, double? fprSpread) =>
        (tprSpread, fprSpread) switch
        {
            (null, null) => null,
            (null, { } f) => f,
            ({ } t, null) => t,
            ({ } t, { } f) => Math.Max(t, f),
        };

    private static double? Divide(long numerator, long denominator) => denominator == 0 ? null : (double)numerator / denominator;
}
