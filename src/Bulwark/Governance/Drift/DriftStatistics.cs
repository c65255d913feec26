namespace Bulwark.Governance.Drift;

/// <summary>
/// The drift statistics as pure functions over plain arrays (docs/governance-drift.md states every formula and
/// default). Callers pass non-empty samples unless a method says otherwise; nothing here returns NaN.
/// </summary>
public static class DriftStatistics
{
    /// <summary>Floor for an empty bin's proportion in PSI, so that ln(c/r) stays finite (Evidently's 0.0001).</summary>
    public const double PsiEpsilon = 1e-4;

    /// <summary>Floor for the reference's standard deviation when normalising Wasserstein (Evidently's 0.001).</summary>
    public const double StdFloor = 1e-3;

    /// <summary>
    /// Two-sample Kolmogorov–Smirnov: D = max over x of |F_ref(x) − F_cur(x)| (empirical CDFs), and the asymptotic
    /// p-value Q_KS(λ) with Stephens' effective-n correction λ = (√nₑ + 0.12 + 0.11/√nₑ)·D, nₑ = n·m/(n+m)
    /// (Numerical Recipes' kstwo). Both samples must be sorted ascending.
    /// </summary>
    public static (double D, double P) KolmogorovSmirnov(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent)
    {
        if (sortedReference.IsEmpty || sortedCurrent.IsEmpty) throw new ArgumentException("both samples need at least one value");
        double n = sortedReference.Length, m = sortedCurrent.Length, d = 0;
        int i = 0, j = 0;
        // Walk both samples in step; after consuming every copy of the smallest remaining value, the CDFs are exact.
        while (i < sortedReference.Length && j < sortedCurrent.Length)
        {
            var x = Math.Min(sortedReference[i], sortedCurrent[j]);
            while (i < sortedReference.Length && sortedReference[i] == x) i++;
            while (j < sortedCurrent.Length && sortedCurrent[j] == x) j++;
            d = Math.Max(d, Math.Abs(i / n - j / m));
        }
        var ne = n * m / (n + m);
        var sqrtNe = Math.Sqrt(ne);
        return (d, KolmogorovQ((sqrtNe + 0.12 + 0.11 / sqrtNe) * d));
    }

    /// <summary>Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}; 1 where the series has not converged (λ small).</summary>
    public static double KolmogorovQ(double lambda)
    {
        const double eps1 = 1e-6, eps2 = 1e-16;
        var a2 = -2.0 * lambda * lambda;
        double fac = 2.0, sum = 0.0, previous = 0.0;
        for (var j = 1; j <= 100; j++)
        {
            var term = fac * Math.Exp(a2 * j * j);
            sum += term;
            if (Math.Abs(term) <= eps1 * previous || Math.Abs(term) <= eps2 * sum) return Math.Clamp(sum, 0, 1);
            fac = -fac;
            previous = Math.Abs(term);
        }
        return 1.0;
    }

    /// <summary>
    /// Chi-square test of homogeneity for a 2×k table (reference and current counts per category): the pooled share
    /// pⱼ = (rⱼ + cⱼ)/(R + C) gives expected counts R·pⱼ and C·pⱼ; χ² = Σ (O − E)²/E over both rows; df = k − 1;
    /// p = Q(df/2, χ²/2). Categories empty in both rows are dropped; one category left gives χ² = 0, p = 1.
    /// </summary>
    public static (double ChiSquare, int DegreesOfFreedom, double P) ChiSquare(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        if (reference.Count != current.Count) throw new ArgumentException("the two rows need the same categories");
        double r = reference.Sum(), c = current.Sum();
        if (r == 0 || c == 0) throw new ArgumentException("both rows need at least one count");
        double chi = 0;
        var k = 0;
        for (var i = 0; i < reference.Count; i++)
        {
            double pooled = reference[i] + current[i];
            if (pooled == 0) continue;
            k++;
            var share = pooled / (r + c);
            double er = r * share, ec = c * share;
            chi += (reference[i] - er) * (reference[i] - er) / er + (current[i] - ec) * (current[i] - ec) / ec;
        }
        if (k <= 1) return (0, 0, 1);
        return (chi, k - 1, Gamma.UpperRegularized((k - 1) / 2.0, chi / 2.0));
    }

    /// <summary>
    /// Population Stability Index over matching bins: PSI = Σ (cᵢ − rᵢ)·ln(cᵢ/rᵢ) with rᵢ, cᵢ the proportions, each
    /// floored at <see cref="PsiEpsilon"/> (not renormalised). Inputs are counts.
    /// </summary>
    public static double Psi(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        var (r, c) = (Proportions(reference), Proportions(current));
        double psi = 0;
        for (var i = 0; i < r.Length; i++)
        {
            double ri = Math.Max(r[i], PsiEpsilon), ci = Math.Max(c[i], PsiEpsilon);
            psi += (ci - ri) * Math.Log(ci / ri);
        }
        return psi;
    }

    /// <summary>
    /// Jensen–Shannon divergence in bits: JS = ½·KL(P‖M) + ½·KL(Q‖M), M = ½(P + Q), log base 2, so 0 ≤ JS ≤ 1. Zero
    /// proportions contribute 0 (0·log 0 = 0), so no floor is needed. Inputs are counts.
    /// </summary>
    public static double JensenShannon(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        var (p, q) = (Proportions(reference), Proportions(current));
        double js = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var m = (p[i] + q[i]) / 2;
            if (p[i] > 0) js += 0.5 * p[i] * Math.Log2(p[i] / m);
            if (q[i] > 0) js += 0.5 * q[i] * Math.Log2(q[i] / m);
        }
        return Math.Clamp(js, 0, 1);
    }

    /// <summary>
    /// Wasserstein-1 (earth mover's) distance between two empirical distributions: W = ∫ |F_ref(x) − F_cur(x)| dx,
    /// exact as a sum over the gaps between consecutive pooled values. Both samples must be sorted ascending.
    /// </summary>
    public static double Wasserstein(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent)
    {
        if (sortedReference.IsEmpty || sortedCurrent.IsEmpty) throw new ArgumentException("both samples need at least one value");
        double n = sortedReference.Length, m = sortedCurrent.Length, w = 0;
        int i = 0, j = 0;
        var x = Math.Min(sortedReference[0], sortedCurrent[0]);
        while (i < sortedReference.Length || j < sortedCurrent.Length)
        {
            while (i < sortedReference.Length && sortedReference[i] == x) i++;
            while (j < sortedCurrent.Length && sortedCurrent[j] == x) j++;
            if (i == sortedReference.Length && j == sortedCurrent.Length) break;
            var next = Math.Min(i < sortedReference.Length ? sortedReference[i] : double.PositiveInfinity, j < sortedCurrent.Length ? sortedCurrent[j] : double.PositiveInfinity);
            // Between x and next both CDFs are flat: the area is the gap times the CDF difference.
            w += (next - x) * Math.Abs(i / n - j / m);
            x = next;
        }
        return w;
    }

    /// <summary>Population standard deviation (divide by n), as numpy's default.</summary>
    public static double StandardDeviation(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) return 0;
        double mean = 0;
        foreach (var v in values) mean += v;
        mean /= values.Length;
        double sum = 0;
        foreach (var v in values) sum += (v - mean) * (v - mean);
        return Math.Sqrt(sum / values.Length);
    }

    /// <summary>
    /// The q-quantile of a sorted sample by linear interpolation between order statistics (Hyndman–Fan type 7, numpy's
    /// default): h = (n − 1)·q, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
    /// </summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty) throw new ArgumentException("the sample is empty");
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        if (lo >= sorted.Length - 1) return sorted[^1];
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    /// <summary>
    /// PSI's numeric bins: the reference's deciles (10 %, …, 90 %, type-7 quantiles) as edges, duplicates removed, open
    /// at both ends; bin i holds edge[i−1] &lt; x ≤ edge[i].
    /// </summary>
    public static double[] DecileEdges(ReadOnlySpan<double> sortedReference)
    {
        var edges = new List<double>(9);
        for (var k = 1; k <= 9; k++)
        {
            var e = Quantile(sortedReference, k / 10.0);
            if (edges.Count == 0 || e > edges[^1]) edges.Add(e);
        }
        return [.. edges];
    }

    /// <summary>Counts of <paramref name="values"/> in the bins that <paramref name="edges"/> define (edges.Length + 1 bins).</summary>
    public static long[] BinCounts(ReadOnlySpan<double> values, double[] edges)
    {
        var counts = new long[edges.Length + 1];
        foreach (var v in values)
        {
            var index = Array.BinarySearch(edges, v);
            // An exact hit on edge i belongs to bin i (right-closed); otherwise ~index is the first edge above v.
            counts[index >= 0 ? index : ~index]++;
        }
        return counts;
    }

    private static double[] Proportions(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        if (total == 0) throw new ArgumentException("the distribution has no counts");
        return counts.Select(c => c / total).ToArray();
    }
}
