namespace Bulwark.Governance.Drift;

/// <summary>
/// The regularised incomplete gamma functions, written after Numerical Recipes (gser / gcf): the series converges
/// fast for x &lt; a + 1, the continued fraction (modified Lentz) for x ≥ a + 1. Used for chi-square p-values.
/// </summary>
public static class Gamma
{
    private const int MaxIterations = 1000;
    private const double Epsilon = 3e-16;
    private const double Tiny = 1e-300;

    /// <summary>Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x), for a &gt; 0, x ≥ 0.</summary>
    public static double UpperRegularized(double a, double x)
    {
        if (a <= 0 || x < 0 || double.IsNaN(x)) throw new ArgumentOutOfRangeException(nameof(x), "Q(a, x) needs a > 0 and x ≥ 0");
        if (x == 0) return 1;
        if (double.IsPositiveInfinity(x)) return 0;
        return x < a + 1 ? 1 - Series(a, x) : ContinuedFraction(a, x);
    }

    /// <summary>ln Γ(x) for x &gt; 0, Lanczos approximation (g = 7, 9 terms), accurate to about 1e-15.</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        var sum = c[0];
        for (var i = 1; i < c.Length; i++) sum += c[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    // P(a, x) = e^{−x} x^a / Γ(a) · Σ_{n≥0} x^n / (a (a+1) … (a+n)).
    private static double Series(double a, double x)
    {
        double ap = a, sum = 1 / a, del = sum;
        for (var n = 0; n < MaxIterations; n++)
        {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (Math.Abs(del) < Math.Abs(sum) * Epsilon) break;
        }
        return Math.Clamp(sum * Math.Exp(-x + a * Math.Log(x) - LogGamma(a)), 0, 1);
    }

    // Q(a, x) = e^{−x} x^a / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))), by modified Lentz.
    private static double ContinuedFraction(double a, double x)
    {
        double b = x + 1 - a, c = 1 / Tiny, d = 1 / b, h = d;
        for (var i = 1; i <= MaxIterations; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = b + an / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            var del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < Epsilon) break;
        }
        return Math.Clamp(Math.Exp(-x + a * Math.Log(x) - LogGamma(a)) * h, 0, 1);
    }
}
