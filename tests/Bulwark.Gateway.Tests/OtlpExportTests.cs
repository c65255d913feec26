using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Bulwark.Samples.MockUpstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Bulwark.Gateway.Tests;

/// <summary>A gateway pointed at an OTLP collector (a recording one on loopback, OTLP/HTTP protobuf).</summary>
public sealed class OtlpGatewayFixture : GatewayFixture
{
    public OtlpCollector Collector { get; } = new();

    protected override string Configure(string yaml) => yaml + $"""

        telemetry:
          service-name: bulwark-otlp-test
          otlp-endpoint: {Collector.BaseUrl}
          otlp-protocol: http/protobuf
        """;

    public override async Task InitializeAsync()
    {
        await Collector.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Collector.DisposeAsync();
    }
}

/// <summary>Stands in for an OpenTelemetry collector: keeps every OTLP/HTTP export it receives, answers 200.</summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();

    public string BaseUrl => _app!.Urls.First();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            Received.Enqueue((context.Request.Path, body.ToArray()));
            return Results.Bytes([], "application/x-protobuf"); // an empty Export…ServiceResponse
        });
        await _app.StartAsync();
    }

    /// <summary>What arrived on one signal's path, as text: protobuf keeps strings as UTF-8, so names and values can be searched.</summary>
    public string Text(string path) => string.Join('\n', Received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}

public sealed class OtlpExportTests(OtlpGatewayFixture gateway) : IClassFixture<OtlpGatewayFixture>
{
    [Fact]
    public async Task Spans_and_metrics_reach_the_collector_without_keys_or_prompt_text()
    {
        var marker = Guid.NewGuid().ToString("N")[..12];
        var answer = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"Hello {marker}, my token is {MockUpstreamServer.LeakedToken}"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var tracing = gateway.Gateway.Services.GetRequiredService<TracerProvider>();
        var metering = gateway.Gateway.Services.GetRequiredService<MeterProvider>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        // The request's span ends just after its response is sent: flush until it has been exported.
        while (!gateway.Collector.Text("/v1/traces").Contains("chat demo", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            tracing.ForceFlush(2000);
            await Task.Delay(100);
        }
        metering.ForceFlush(5000);

        var traces = gateway.Collector.Text("/v1/traces");
        var metrics = gateway.Collector.Text("/v1/metrics");
        foreach (var expected in new[] { "chat demo", "gen_ai.operation.name", "gen_ai.request.model", "gen_ai.usage.input_tokens", "bulwark.verdict", "bulwark-otlp-test", "bulwark.guard input" })
        {
            Assert.Contains(expected, traces, StringComparison.Ordinal);
        }
        foreach (var expected in new[] { "gen_ai.client.token.usage", "gen_ai.server.request.duration", "bulwark.requests", "bulwark.guard.verdicts", "bulwark-otlp-test" })
        {
            Assert.Contains(expected, metrics, StringComparison.Ordinal);
        }
        foreach (var secret in new[] { gateway.Key.Secret, MockUpstreamServer.LeakedToken, marker, GatewayFixture.UpstreamKey })
        {
            Assert.DoesNotContain(secret, traces, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, metrics, StringComparison.Ordinal);
        }
    }
}
