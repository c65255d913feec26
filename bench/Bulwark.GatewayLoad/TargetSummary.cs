namespace Bulwark.GatewayLoad;

/// <summary>One target under one phase over all rounds: the median of each figure (each taken on its own), errors summed.</summary>
public sealed record TargetSummary(
    string Target,
    string Phase,
    double RequestsPerSecond,
    double P50,
    double P90,
    double P99,
    long Errors,
    double? TargetCpuMsPerRequest,
    double? UpstreamCpuMsPerRequest,
    double ClientCpuMsPerRequest,
    IReadOnlyList<double> RoundRequestsPerSecond)
{
    public static IReadOnlyList<TargetSummary> Of(IEnumerable<Measurement> measurements) =>
        measurements.GroupBy(m => (m.Phase, m.Target)).Select(g => new TargetSummary(
            g.Key.Target,
            g.Key.Phase,
            Median(g.Select(m => m.RequestsPerSecond)),
            Median(g.Select(m => m.Latency.P50)),
            Median(g.Select(m => m.Latency.P90)),
            Median(g.Select(m => m.Latency.P99)),
            g.Sum(m => m.Errors),
            MedianOrNull(g.Select(m => m.TargetCpuMsPerRequest)),
            MedianOrNull(g.Select(m => m.UpstreamCpuMsPerRequest)),
            Median(g.Select(m => m.ClientCpuMsPerRequest)),
            g.OrderBy(m => m.Round).Select(m => m.RequestsPerSecond).ToList())).ToList();

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().ToList();
        return known.Count == 0 ? null : Median(known);
    }
}
