using System.Diagnostics;

namespace Bulwark.GatewayLoad;

/// <summary>Exact percentiles (nearest rank) over every request's latency, in milliseconds.</summary>
public sealed record LatencyPercentiles(double P50, double P90, double P99, double Max, double Mean)
{
    public static LatencyPercentiles Of(long[] elapsedTicks)
    {
        if (elapsedTicks.Length == 0) return new LatencyPercentiles(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        Array.Sort(elapsedTicks);
        return new LatencyPercentiles(
            Milliseconds(Rank(elapsedTicks, 0.50)),
            Milliseconds(Rank(elapsedTicks, 0.90)),
            Milliseconds(Rank(elapsedTicks, 0.99)),
            Milliseconds(elapsedTicks[^1]),
            Milliseconds((long)elapsedTicks.Average()));
    }

    private static long Rank(long[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
