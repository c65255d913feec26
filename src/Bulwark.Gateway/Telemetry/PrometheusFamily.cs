using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Bulwark.Gateway.Telemetry;

/// <summary>
/// One instrument as a Prometheus metric family: its name, help, type, and a series per distinct label set.
/// Totals are cumulative from start-up, as Prometheus expects of counters and histograms.
/// </summary>
internal abstract class PrometheusFamily(string name, string help)
{
    // OpenTelemetry's default explicit buckets, for a histogram that advises none.
    private static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>A family for counters, up-down counters (as gauges) and histograms; null for observable instruments, which this exporter does not poll.</summary>
    public static PrometheusFamily? For(Instrument instrument)
    {
        var help = instrument.Description ?? instrument.Name;
        var name = PrometheusText.MetricName(instrument.Name, instrument.Unit);
        return instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> => new CounterFamily(name + "_total", help),
            UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> => new GaugeFamily(name, help),
            Histogram<long> h => new HistogramFamily(name, help, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultBuckets),
            Histogram<int> h => new HistogramFamily(name, help, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultBuckets),
            Histogram<double> h => new HistogramFamily(name, help, h.Advice?.HistogramBucketBoundaries?.ToArray() ?? DefaultBuckets),
            _ => null,
        };
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = PrometheusText.Labels(tags);
        var series = _series.GetOrAdd(labels, NewSeries);
        lock (series) series.Add(value);
    }

    public void WriteTo(StringBuilder text)
    {
        text.Append("# HELP ").Append(Name).Append(' ').Append(PrometheusText.EscapeHelp(Help)).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Type).Append('\n');
        foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            lock (series) series.WriteTo(text, Name, labels);
        }
    }

    protected string Help { get; } = help;

    protected abstract string Type { get; }

    protected abstract Series NewSeries(string labels);

    internal abstract class Series
    {
        public abstract void Add(double value);

        public abstract void WriteTo(StringBuilder text, string name, string labels);
    }

    private sealed class CounterFamily(string name, string help) : PrometheusFamily(name, help)
    {
        protected override string Type => "counter";

        protected override Series NewSeries(string labels) => new SumSeries();
    }

    /// <summary>An up-down counter's running sum (active requests, open connections).</summary>
    private sealed class GaugeFamily(string name, string help) : PrometheusFamily(name, help)
    {
        protected override string Type => "gauge";

        protected override Series NewSeries(string labels) => new SumSeries();
    }

    /// <summary>A running sum: a counter's total (only ever added to) or an up-down counter's value.</summary>
    private sealed class SumSeries : Series
    {
        private double _sum;

        public override void Add(double value) => _sum += value;

        public override void WriteTo(StringBuilder text, string name, string labels) =>
            text.Append(name).Append(PrometheusText.Braced(labels)).Append(' ').Append(PrometheusText.Number(_sum)).Append('\n');
    }

    private sealed class HistogramFamily(string name, string help, double[] bounds) : PrometheusFamily(name, help)
    {
        protected override string Type => "histogram";

        protected override Series NewSeries(string labels) => new HistogramSeries(bounds);

        private sealed class HistogramSeries(double[] bounds) : Series
        {
            // counts[i]: values in (bounds[i-1], bounds[i]]; the last slot holds those above every bound.
            private readonly long[] _counts = new long[bounds.Length + 1];
            private double _sum;
            private long _count;

            public override void Add(double value)
            {
                var slot = Array.BinarySearch(bounds, value);
                _counts[slot >= 0 ? slot : ~slot]++;
                _sum += value;
                _count++;
            }

            public override void WriteTo(StringBuilder text, string name, string labels)
            {
                long cumulative = 0;
                for (var i = 0; i <= bounds.Length; i++)
                {
                    cumulative += _counts[i];
                    var le = i < bounds.Length ? PrometheusText.Number(bounds[i]) : "+Inf";
                    var withLe = (labels.Length > 0 ? labels + "," : "") + "le=\"" + le + "\"";
                    text.Append(name).Append("_bucket{").Append(withLe).Append("} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
                text.Append(name).Append("_sum").Append(PrometheusText.Braced(labels)).Append(' ').Append(PrometheusText.Number(_sum)).Append('\n');
                text.Append(name).Append("_count").Append(PrometheusText.Braced(labels)).Append(' ').Append(_count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }
}
