using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Bulwark.Gateway.Telemetry;

/// <summary>
/// Serves the gateway's metrics in the Prometheus text exposition format (version 0.0.4). OpenTelemetry's own
/// Prometheus exporter is prerelease only, so this listens to the instruments directly (<see cref="MeterListener"/>)
/// and keeps cumulative totals per label set: counters, and histograms with their advised buckets.
/// Names follow OpenTelemetry's Prometheus mapping: dots become underscores, the unit is a suffix
/// (<c>_seconds</c>), annotations such as <c>{token}</c> are dropped, and counters end in <c>_total</c>.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener = new();
    // By Prometheus name: two instruments that map to one name (the same meter created twice) share one family.
    private readonly ConcurrentDictionary<string, PrometheusFamily> _families = new(StringComparer.Ordinal);

    /// <param name="meters">Only meters made by this factory are exported: the host's own, not another host's in the same process.</param>
    public PrometheusExporter(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter.Scope, meters) || PrometheusFamily.For(instrument) is not { } candidate) return;
            var family = _families.GetOrAdd(candidate.Name, candidate);
            // A name taken by another kind of instrument would make the scrape invalid: the later one is left out.
            if (family.GetType() == candidate.GetType()) listener.EnableMeasurementEvents(instrument, family);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((PrometheusFamily)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Every family with its HELP and TYPE lines, sorted by name so scrapes compare line by line.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal)) family.WriteTo(text);
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();
}
