using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bulwark.Gateway.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests;

/// <summary>The Prometheus text exporter on its own: names, label escaping, series, bucket arithmetic, and which meters it serves.</summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    [Fact]
    public void Counters_histograms_and_gauges_render_as_valid_text_with_their_values()
    {
        using var exporter = new PrometheusExporter(Meters);
        var meter = Meters.Create("Test.Meter");
        var requests = meter.CreateCounter<long>("test.requests", "{request}", "Requests\nby \\ route");
        var duration = meter.CreateHistogram("test.duration", "s", "Durations", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        var active = meter.CreateUpDownCounter<int>("test.active", "{request}", "Active");

        requests.Add(2, new TagList { { "route", "/v1/chat" }, { "status", 200 } });
        requests.Add(3, new TagList { { "status", 200 }, { "route", "/v1/chat" } }); // same set, other order: one series
        requests.Add(1, new TagList { { "route", "a \"quoted\" \\ value\nwith a newline" }, { "status", 500 } });
        foreach (var seconds in new[] { 0.05, 0.1, 0.5, 20.0 }) duration.Record(seconds, new KeyValuePair<string, object?>("gen_ai.operation.name", "chat"));
        active.Add(3);
        active.Add(-1);

        var text = exporter.Render();
        var scrape = PrometheusScrape.Parse(text);

        Assert.Contains("# HELP test_requests_total Requests\\nby \\\\ route\n", text, StringComparison.Ordinal);
        Assert.Equal("counter", scrape.Types["test_requests_total"]);
        Assert.Equal(5, scrape.Sum("test_requests_total", ("route", "/v1/chat"), ("status", "200")));
        Assert.Equal(1, scrape.Sum("test_requests_total", ("route", "a \"quoted\" \\ value\nwith a newline")));
        Assert.Equal(2, scrape.Matching("test_requests_total").Count());

        Assert.Equal("histogram", scrape.Types["test_duration_seconds"]);
        (string, string) chat = ("gen_ai_operation_name", "chat");
        Assert.Equal([2.0, 3, 3, 4], new[] { "0.1", "1", "10", "+Inf" }.Select(le => scrape.Sum("test_duration_seconds_bucket", chat, ("le", le))));
        Assert.Equal(20.65, scrape.Sum("test_duration_seconds_sum", chat), 9);
        Assert.Equal(4, scrape.Sum("test_duration_seconds_count", chat));

        Assert.Equal("gauge", scrape.Types["test_active"]);
        Assert.Equal(2, scrape.Sum("test_active"));
    }

    [Fact]
    public void Only_meters_of_its_own_host_are_served()
    {
        using var exporter = new PrometheusExporter(Meters);
        using var elsewhere = new ServiceCollection().AddMetrics().BuildServiceProvider();
        elsewhere.GetRequiredService<IMeterFactory>().Create("Other.Host").CreateCounter<long>("other.requests").Add(1);
        using var unscoped = new Meter("Unscoped.Meter");
        unscoped.CreateCounter<long>("unscoped.requests").Add(1);
        Meters.Create("Own.Host").CreateCounter<long>("own.requests").Add(1);

        var scrape = PrometheusScrape.Parse(exporter.Render());
        Assert.Equal(["own_requests_total"], scrape.Types.Keys);
    }

    [Fact]
    public void Instruments_that_map_to_one_name_share_a_family()
    {
        using var exporter = new PrometheusExporter(Meters);
        Meters.Create("First").CreateCounter<long>("shared.total.requests", "{request}").Add(1);
        Meters.Create("Second").CreateCounter<long>("shared.total.requests", "{request}").Add(2);
        Meters.Create("Third").CreateHistogram<double>("shared.total.requests_total").Record(1); // another kind under the same name

        var scrape = PrometheusScrape.Parse(exporter.Render());
        Assert.Equal("counter", scrape.Types["shared_total_requests_total"]);
        Assert.Equal(3, scrape.Sum("shared_total_requests_total"));
    }

    public void Dispose() => _services.Dispose();
}
