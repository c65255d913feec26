namespace Bulwark.Governance.Bias;

/// <summary>Pass/fail limits of the bias verdict.</summary>
public sealed record BiasThresholds
{
    /// <summary>A group fails when its disparate impact is below this (default 0.8, the four-fifths rule).</summary>
    public double MinDisparateImpact { get; init; } = 0.8;

    /// <summary>The analysis fails when the equalised odds difference is above this (default 0.1).</summary>
    public double MaxEqualisedOddsDifference { get; init; } = 0.1;

    /// <summary>Groups smaller than this are reported but take no part in the verdict (default 30).</summary>
    public int MinGroupSize { get; init; } = 30;

    public static BiasThresholds Default { get; } = new();

    public void Validate()
    {
        if (MinDisparateImpact is < 0 or > 1 || double.IsNaN(MinDisparateImpact)) throw new Kernel.BulwarkInputException("the disparate impact threshold must be between 0 and 1");
        if (MaxEqualisedOddsDifference is < 0 or > 1 || double.IsNaN(MaxEqualisedOddsDifference)) throw new Kernel.BulwarkInputException("the equalised odds threshold must be between 0 and 1");
        if (MinGroupSize < 1) throw new Kernel.BulwarkInputException("the minimum group size must be at least 1");
    }
}

public enum BiasVerdict
{
    /// <summary>Every eligible group passes the four-fifths rule and equalised odds is within the threshold.</summary>
    Pass,

    /// <summary>A group's disparate impact is under the threshold, or equalised odds is over it.</summary>
    Fail,

    /// <summary>Fewer than two groups reach the minimum size: nothing to compare. Not a failure (exit 0).</summary>
    Inconclusive,
}

/// <summary>One group's counts and rates. Rates with a zero denominator are null.</summary>
public sealed record GroupMetrics(
    string Name,
    ConfusionCounts Counts,
    double? SelectionRate,
    double? BaseRate,
    double? TruePositiveRate,
    double? FalsePositiveRate,
    double? Precision,
    double? DisparateImpact,
    bool Eligible)
{
    public long N => Counts.N;
}

/// <summary>The metrics across the groups of one sensitive column, or of the intersection of several.</summary>
public sealed record AttributeAnalysis(
    string Attribute,
    bool Intersectional,
    IReadOnlyList<GroupMetrics> Groups,
    string? ReferenceGroup,
    double? DemographicParityDifference,
    double? DemographicParityRatio,
    double? TruePositiveRateSpread,
    double? FalsePositiveRateSpread,
    double? EqualOpportunityDifference,
    double? EqualisedOddsDifference,
    BiasVerdict Verdict,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Notes);

/// <summary>The result of <c>bulwark gov bias</c>: one analysis per sensitive column, plus the intersection when there are several.</summary>
public sealed record BiasReport(
    string Source,
    long Rows,
    BiasColumns Columns,
    BiasThresholds Thresholds,
    IReadOnlyList<AttributeAnalysis> Analyses)
{
    /// <summary>Fail when any analysis fails; Pass when at least one passes; otherwise Inconclusive.</summary>
    public BiasVerdict Verdict =>
        Analyses.Any(a => a.Verdict == BiasVerdict.Fail) ? BiasVerdict.Fail
        : Analyses.Any(a => a.Verdict == BiasVerdict.Pass) ? BiasVerdict.Pass
        : BiasVerdict.Inconclusive;
}
