namespace Bulwark.Governance.Drift;

/// <summary>The conventional defaults (docs/governance-drift.md), in one place.</summary>
public static class DriftThresholds
{
    /// <summary>KS and chi-square call drift when p &lt; 0.05.</summary>
    public const double PValue = 0.05;

    /// <summary>PSI: below 0.1 no drift, 0.1–0.25 moderate, above 0.25 significant (the drift call).</summary>
    public const double PsiModerate = 0.1;

    public const double PsiSignificant = 0.25;

    /// <summary>Jensen–Shannon divergence (bits) over 0.1 is drift.</summary>
    public const double JensenShannon = 0.1;

    /// <summary>Wasserstein distance over the reference's standard deviation, over 0.1 is drift.</summary>
    public const double WassersteinNormalised = 0.1;

    /// <summary>
    /// Evidently's choice of the deciding test: up to 1,000 reference values the hypothesis tests (KS, chi-square)
    /// decide; above, they flag negligible shifts, so the distances (Wasserstein, Jensen–Shannon) decide.
    /// </summary>
    public const int SmallSample = 1000;

    /// <summary>The dataset drifts when more than half of the evaluated columns drift (Evidently's default).</summary>
    public const double DatasetShare = 0.5;

    /// <summary>Categorical columns keep their 1,000 most frequent categories (pooled); the rest become one "(other)".</summary>
    public const int MaxCategories = 1000;
}
