using Bulwark.Governance.Drift;

namespace Bulwark.Tests.Governance.Drift;

/// <summary>
/// Each expected value is worked out by hand from the formula (in the comment beside it); where a transcendental
/// function is involved the last digits come from a few lines of Python's math module, not from a stats library.
/// </summary>
public class DriftStatisticsTests
{
    [Fact]
    public void Ks_d_and_p_match_the_hand_computation()
    {
        // F_ref − F_cur at x = 1, 2, 3, 4, 5: 0.2, 0.4, 0.4, 0.4, 0.4 (cur starts at 3), then 1 − 0.6 at x = 5 → D = 0.4.
        // nₑ = 5·5/10 = 2.5, √nₑ = 1.581139; λ = (1.581139 + 0.12 + 0.11/1.581139)·0.4 = 0.708284;
        // Q = 2(e^{−2λ²} − e^{−8λ²} + e^{−18λ²} − …) = 2(0.366662 − 0.018071 + 0.000120 − …) = 0.697405.
        var (d, p) = DriftStatistics.KolmogorovSmirnov([1, 2, 3, 4, 5], [3, 4, 5, 6, 7]);
        Assert.Equal(0.4, d, 12);
        Assert.Equal(0.6974049, p, 6);
    }

    [Fact]
    public void Ks_of_disjoint_samples_has_d_one_and_a_small_p()
    {
        // D = 1; λ = (1.581139 + 0.12 + 0.069570)·1 = 1.770709, λ² = 3.135410; Q ≈ 2e^{−6.270820} = 2·0.00189068 = 0.00378135
        // (the next term, 2e^{−8λ²} ≈ 2e-11, is negligible).
        var (d, p) = DriftStatistics.KolmogorovSmirnov([1, 2, 3, 4, 5], [10, 12, 13, 14, 15]);
        Assert.Equal(1, d, 12);
        Assert.Equal(0.00378135, p, 7);
    }

    [Fact]
    public void Ks_handles_ties_across_samples()
    {
        // After x = 1: F_ref = 2/3, F_cur = 1/3; after x = 2 both 1 → D = 1/3.
        var (d, _) = DriftStatistics.KolmogorovSmirnov([1, 1, 2], [1, 2, 2]);
        Assert.Equal(1.0 / 3, d, 12);
    }

    [Fact]
    public void Chi_square_of_a_two_by_three_table()
    {
        // R = C = 60; pooled shares 30/120, 40/120, 50/120 → expected 15, 20, 25 in each row.
        // χ² = 25/15 + 0 + 25/25 + 25/15 + 0 + 25/25 = 5.333333; df = 2; p = Q(1, 2.666667) = e^{−2.666667} = 0.06948345.
        var (chi, df, p) = DriftStatistics.ChiSquare([10, 20, 30], [20, 20, 20]);
        Assert.Equal(16.0 / 3, chi, 10);
        Assert.Equal(2, df);
        Assert.Equal(0.069483451, p, 8);
    }

    [Fact]
    public void Chi_square_with_one_degree_of_freedom_uses_the_half_integer_gamma()
    {
        // Expected 20 everywhere: χ² = 4·(10²/20) = 20; p = Q(0.5, 10) = erfc(√10) = 7.744216e-6.
        var (chi, df, p) = DriftStatistics.ChiSquare([30, 10], [10, 30]);
        Assert.Equal(20, chi, 10);
        Assert.Equal(1, df);
        Assert.Equal(7.744216e-6, p, 10);
    }

    [Fact]
    public void Chi_square_with_one_category_is_zero_with_p_one()
    {
        Assert.Equal((0, 0, 1), DriftStatistics.ChiSquare([7], [3]));
        // A category empty on both sides is dropped: still one category.
        Assert.Equal((0, 0, 1), DriftStatistics.ChiSquare([7, 0], [3, 0]));
    }

    [Fact]
    public void Psi_and_js_for_given_bins()
    {
        // r = (0.5, 0.3, 0.2), c = (0.3, 0.3, 0.4).
        // PSI = (0.3−0.5)ln(0.3/0.5) + 0 + (0.4−0.2)ln(2) = 0.102165 + 0.138629 = 0.240795 (moderate).
        // M = (0.4, 0.3, 0.3); JS = ½[0.5·log₂(1.25) + 0.2·log₂(2/3)] + ½[0.3·log₂(0.75) + 0.4·log₂(4/3)] = 0.0427376 bits.
        Assert.Equal(0.2407946, DriftStatistics.Psi([50, 30, 20], [30, 30, 40]), 6);
        Assert.Equal(0.0427376, DriftStatistics.JensenShannon([50, 30, 20], [30, 30, 40]), 6);
    }

    [Fact]
    public void A_category_only_in_the_current_data_is_floored_at_epsilon()
    {
        // r = (1, 0) → (1, 1e-4) after the floor; c = (0.5, 0.5).
        // PSI = (0.5−1)ln(0.5) + (0.5−1e-4)ln(0.5/1e-4) = 0.346574 + 0.4999·8.517193 = 4.604318.
        // JS (no floor): M = (0.75, 0.25); ½·1·log₂(4/3) + ½·0.5·log₂(2/3) + ½·0.5·log₂(2) = 0.311278.
        Assert.Equal(4.6043185, DriftStatistics.Psi([4, 0], [2, 2]), 6);
        Assert.Equal(0.3112781, DriftStatistics.JensenShannon([4, 0], [2, 2]), 6);
    }

    [Fact]
    public void Wasserstein_of_small_samples()
    {
        // Every unit of mass moves by 5: W = 5.
        Assert.Equal(5, DriftStatistics.Wasserstein([0, 1, 3], [5, 6, 8]), 12);
        // F_ref − F_cur = 2/3 on [0, 1), 0 after: W = 2/3.
        Assert.Equal(2.0 / 3, DriftStatistics.Wasserstein([0, 0, 1], [1]), 12);
        // σ_ref of (0, 1, 3): mean 4/3, variance (16/9 + 1/9 + 25/9)/3 = 14/9, σ = 1.247219.
        Assert.Equal(1.2472191, DriftStatistics.StandardDeviation([0, 1, 3]), 6);
    }

    [Fact]
    public void Identical_distributions_give_zero_and_p_one()
    {
        double[] sample = [1, 2, 2, 3, 5];
        var (d, p) = DriftStatistics.KolmogorovSmirnov(sample, sample);
        Assert.Equal((0.0, 1.0), (d, p));
        Assert.Equal(0, DriftStatistics.Wasserstein(sample, sample));
        Assert.Equal(0, DriftStatistics.Psi([3, 2, 1], [6, 4, 2]));
        Assert.Equal(0, DriftStatistics.JensenShannon([3, 2, 1], [6, 4, 2]));
        var (chi, _, pc) = DriftStatistics.ChiSquare([3, 2, 1], [6, 4, 2]);
        Assert.Equal(0, chi, 12);
        Assert.Equal(1, pc, 12);
    }

    [Fact]
    public void Decile_edges_are_type_seven_quantiles_and_bins_are_right_closed()
    {
        // 1..10: h = 9q, so the edges are 1.9, 2.8, …, 9.1 and each value sits alone in its bin.
        double[] sample = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var edges = DriftStatistics.DecileEdges(sample);
        Assert.Equal([1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1], edges.Select(e => Math.Round(e, 10)));
        Assert.All(DriftStatistics.BinCounts(sample, edges), c => Assert.Equal(1, c));
        // Ties collapse edges: a constant reference gives one edge and two bins.
        Assert.Equal([4.0], DriftStatistics.DecileEdges([4, 4, 4]));
        Assert.Equal([2, 1], DriftStatistics.BinCounts([4, 4, 5], [4.0]));
    }

    [Fact]
    public void Incomplete_gamma_matches_closed_forms()
    {
        // Q(1, x) = e^{−x}; Q(2, x) = (1 + x)e^{−x}; Q(0.5, x) = erfc(√x) — both branches (x < a+1, x ≥ a+1).
        Assert.Equal(Math.Exp(-0.5), Gamma.UpperRegularized(1, 0.5), 12);
        Assert.Equal(4 * Math.Exp(-3), Gamma.UpperRegularized(2, 3), 12);
        Assert.Equal(0.31731051, Gamma.UpperRegularized(0.5, 0.5), 7); // erfc(√0.5) = erfc(0.707107) = 0.317311
        Assert.Equal(1, Gamma.UpperRegularized(3, 0));
    }
}
