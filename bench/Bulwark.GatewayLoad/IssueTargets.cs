using System.Globalization;

namespace Bulwark.GatewayLoad;

/// <summary>One of the issue's targets, judged on the medians: met, not met, or not measured (a target was left out).</summary>
public sealed record Verdict(string Goal, string Measured, string Status);

/// <summary>The latency one gateway adds over going direct, at one phase: its p50 and p99 minus direct's.</summary>
public sealed record AddedLatency(string Phase, string Target, double AddedP50, double AddedP99);

/// <summary>
/// The gateway issue's load targets. Throughput is judged on whole (non-streamed) answers under load: against an
/// upstream that answers at once (<see cref="LoadPhase"/>: the gateways' own cost is all there is to measure), and the
/// guarded-vs-direct ratio also against one that takes <see cref="ModelTimeLoadPhase"/>'s model time per answer, as
/// any real model does (the issue names no upstream speed, so both are reported). Added latency at one connection
/// (<see cref="LatencyPhase"/>), where queueing behind other requests does not hide or inflate what the gateway adds.
/// </summary>
public static class IssueTargets
{
    public const string Direct = "direct";
    public const string BulwarkBare = "bulwark-bare";
    public const string BulwarkGuarded = "bulwark-guarded";
    public const string Portkey = "portkey";
    public const string LatencyPhase = "chat-1";
    public const string LoadPhase = "chat-load";
    public const string ModelTimeLoadPhase = "chat-load-model-20ms";

    public static IReadOnlyList<Verdict> Judge(IReadOnlyList<TargetSummary> summaries)
    {
        TargetSummary? Find(string target, string phase) => summaries.FirstOrDefault(s => s.Target == target && s.Phase == phase);
        var bare = Find(BulwarkBare, LoadPhase);
        var guarded = Find(BulwarkGuarded, LoadPhase);
        var direct = Find(Direct, LoadPhase);
        var portkey = Find(Portkey, LoadPhase);
        var guardedModel = Find(BulwarkGuarded, ModelTimeLoadPhase);
        var directModel = Find(Direct, ModelTimeLoadPhase);
        var guardedAlone = Find(BulwarkGuarded, LatencyPhase);
        var directAlone = Find(Direct, LatencyPhase);
        return
        [
            Ratio("Bulwark without guards ≥ 3× Portkey's throughput", bare, portkey, 3.0),
            Ratio("Bulwark with default guards ≥ 50% of direct-to-upstream throughput (upstream answers at once: gateway cost alone)", guarded, direct, 0.5),
            Ratio("Bulwark with default guards ≥ 50% of direct-to-upstream throughput (upstream takes 20 ms per answer)", guardedModel, directModel, 0.5),
            guardedAlone is null || directAlone is null
                ? new Verdict("Added p50 latency with default guards ≤ 0.5 ms (1 KB prompt, 1 connection)", "—", "not measured")
                : new Verdict(
                    "Added p50 latency with default guards ≤ 0.5 ms (1 KB prompt, 1 connection)",
                    string.Create(CultureInfo.InvariantCulture, $"{guardedAlone.P50 - directAlone.P50:0.000} ms ({guardedAlone.P50:0.000} − {directAlone.P50:0.000})"),
                    guardedAlone.P50 - directAlone.P50 <= 0.5 ? "met" : "not met"),
        ];
    }

    public static IReadOnlyList<AddedLatency> Added(IReadOnlyList<TargetSummary> summaries) =>
        summaries.Where(s => s.Target != Direct)
            .Select(s => (gateway: s, direct: summaries.FirstOrDefault(d => d.Target == Direct && d.Phase == s.Phase)))
            .Where(p => p.direct is not null)
            .Select(p => new AddedLatency(p.gateway.Phase, p.gateway.Target, p.gateway.P50 - p.direct!.P50, p.gateway.P99 - p.direct.P99))
            .ToList();

    private static Verdict Ratio(string goal, TargetSummary? measured, TargetSummary? baseline, double atLeast)
    {
        if (measured is null || baseline is null) return new Verdict(goal, "—", "not measured");
        var ratio = measured.RequestsPerSecond / baseline.RequestsPerSecond;
        var text = string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}× ({measured.RequestsPerSecond:0} / {baseline.RequestsPerSecond:0} req/s)");
        return new Verdict(goal, text, ratio >= atLeast ? "met" : "not met");
    }
}
