using System.Diagnostics;
using System.Net;

namespace Bulwark.GatewayLoad;

/// <summary>
/// One timed measurement: <see cref="LoadPhase.Connections"/> closed-loop connections against one target, a warm-up
/// (connections opened, JIT and caches warm) and then a window in which completed requests, their latencies and every
/// process's processor time are counted. Each run gets fresh connections.
/// </summary>
public sealed class LoadRun(LoadTarget target, LoadPhase phase, TimeSpan warmup, TimeSpan duration, int? upstreamPid)
{
    private volatile bool _stopping;

    public async Task<Measurement> RunAsync(int round, int order)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = phase.Connections,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var body = ChatPrompt.Body(target.Model, phase.Stream, phase.ModelMilliseconds);
        var urls = target.Urls;
        var workers = Enumerable.Range(0, phase.Connections).Select(i => new LoadWorker(client, urls[i % urls.Count], target, body, phase.Stream)).ToList();
        var running = workers.Select(w => Task.Run(() => w.RunAsync(() => _stopping))).ToList();

        await Task.Delay(warmup).ConfigureAwait(false);
        var before = Snapshot.Take(target.Pids, upstreamPid);
        await Task.Delay(duration).ConfigureAwait(false);
        var after = Snapshot.Take(target.Pids, upstreamPid);
        _stopping = true;
        await Task.WhenAll(running).ConfigureAwait(false);

        var inWindow = workers.SelectMany(w => w.Samples).Where(s => s.Ended >= before.At && s.Ended <= after.At).ToList();
        var ok = inWindow.Where(s => s.Ok).Select(s => s.Elapsed).ToArray();
        var seconds = Stopwatch.GetElapsedTime(before.At, after.At).TotalSeconds;
        double? PerRequest(TimeSpan? from, TimeSpan? to) => from is { } f && to is { } t && ok.Length > 0 ? (t - f).TotalMilliseconds / ok.Length : null;
        return new Measurement(
            target.Name,
            phase.Name,
            round,
            order,
            ok.Length,
            inWindow.Count - ok.Length,
            seconds,
            ok.Length / seconds,
            LatencyPercentiles.Of(ok),
            PerRequest(before.TargetCpu, after.TargetCpu),
            PerRequest(before.UpstreamCpu, after.UpstreamCpu),
            PerRequest(before.ClientCpu, after.ClientCpu) ?? double.NaN,
            workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null));
    }

    /// <summary>The clock and the processor times at one edge of the window.</summary>
    private sealed record Snapshot(long At, TimeSpan? TargetCpu, TimeSpan? UpstreamCpu, TimeSpan ClientCpu)
    {
        public static Snapshot Take(IReadOnlyList<int> targetPids, int? upstreamPid) =>
            new(Stopwatch.GetTimestamp(), ProcessorTime.OfAll(targetPids), ProcessorTime.Of(upstreamPid), ProcessorTime.OfThisProcess());
    }
}
