namespace Bulwark.Governance.Drift;

/// <summary>Numeric columns: KS, PSI and Jensen–Shannon over the reference's deciles, and Wasserstein-1.</summary>
internal static class NumericDrift
{
    /// <summary>The tests on two non-empty samples, sorted here; <paramref name="decideByTests"/> picks KS over Wasserstein.</summary>
    public static List<DriftTest> Compare(double[] reference, double[] current, bool decideByTests)
    {
        Array.Sort(reference);
        Array.Sort(current);
        var (d, p) = DriftStatistics.KolmogorovSmirnov(reference, current);
        var edges = DriftStatistics.DecileEdges(reference);
        var (r, c) = (DriftStatistics.BinCounts(reference, edges), DriftStatistics.BinCounts(current, edges));
        var psi = DriftStatistics.Psi(r, c);
        var js = DriftStatistics.JensenShannon(r, c);
        var w = DriftStatistics.Wasserstein(reference, current);
        var normalised = w / Math.Max(DriftStatistics.StandardDeviation(reference), DriftStatistics.StdFloor);
        return
        [
            new("ks", d, p, DriftThresholds.PValue, "p < 0.05", p < DriftThresholds.PValue, decideByTests),
            Psi(psi),
            new("jensen_shannon", js, null, DriftThresholds.JensenShannon, "> 0.1", js > DriftThresholds.JensenShannon, false),
            new("wasserstein", w, null, null, "distance (informational)", false, false),
            new("wasserstein_normalised", normalised, null, DriftThresholds.WassersteinNormalised, "> 0.1 (W / reference σ)", normalised > DriftThresholds.WassersteinNormalised, !decideByTests),
        ];
    }

    public static DriftTest Psi(double psi, string name = "psi", bool decisive = false) =>
        new(name, psi, null, DriftThresholds.PsiSignificant, psi > DriftThresholds.PsiSignificant ? "> 0.25: significant" : psi >= DriftThresholds.PsiModerate ? "0.1–0.25: moderate" : "< 0.1: none",
            psi > DriftThresholds.PsiSignificant, decisive);
}

/// <summary>Categorical columns: chi-square, PSI and Jensen–Shannon over the union of categories.</summary>
internal static class CategoricalDrift
{
    public static List<DriftTest> Compare(IReadOnlyList<string> reference, IReadOnlyList<string> current, bool decideByTests)
    {
        var (r, c) = Counts(reference, current);
        var (chi, df, p) = DriftStatistics.ChiSquare(r, c);
        var psi = DriftStatistics.Psi(r, c);
        var js = DriftStatistics.JensenShannon(r, c);
        return
        [
            new("chi_square", chi, p, DriftThresholds.PValue, $"p < 0.05 (df = {df})", p < DriftThresholds.PValue, decideByTests),
            NumericDrift.Psi(psi),
            new("jensen_shannon", js, null, DriftThresholds.JensenShannon, "> 0.1", js > DriftThresholds.JensenShannon, !decideByTests),
        ];
    }

    /// <summary>Counts over the union of categories, the most frequent (pooled) first, the tail merged into "(other)".</summary>
    public static (long[] Reference, long[] Current) Counts(IReadOnlyList<string> reference, IReadOnlyList<string> current)
    {
        var pooled = new Dictionary<string, (long R, long C)>(StringComparer.Ordinal);
        foreach (var v in reference) pooled[v] = pooled.TryGetValue(v, out var n) ? (n.R + 1, n.C) : (1, 0);
        foreach (var v in current) pooled[v] = pooled.TryGetValue(v, out var n) ? (n.R, n.C + 1) : (0, 1);
        var ordered = pooled.OrderByDescending(p => p.Value.R + p.Value.C).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        var kept = Math.Min(ordered.Count, DriftThresholds.MaxCategories);
        var size = kept + (ordered.Count > kept ? 1 : 0);
        var (r, c) = (new long[size], new long[size]);
        for (var i = 0; i < ordered.Count; i++)
        {
            var slot = Math.Min(i, kept);
            r[slot] += ordered[i].Value.R;
            c[slot] += ordered[i].Value.C;
        }
        return (r, c);
    }
}
