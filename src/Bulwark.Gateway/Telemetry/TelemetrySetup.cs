using Bulwark.Gateway.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bulwark.Gateway.Telemetry;

/// <summary>Wires the <c>telemetry</c> and <c>logging</c> config into the host: instruments, exporters, the metrics route, the console format.</summary>
public static class TelemetrySetup
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, TelemetryOptions telemetry)
    {
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<RequestTelemetry>();
        if (telemetry.PrometheusPath is not null) services.AddSingleton<PrometheusExporter>();
        if (telemetry.OtlpEndpoint is not { } endpoint) return services;

        // Exported only when a collector is named: without one, spans are never even created (no listener).
        var otel = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(telemetry.ServiceName));
        otel.WithTracing(tracing => tracing
            .AddSource(GatewayTelemetry.Name)
            // The client's HTTP span around ours; /healthz, /readyz and scrapes are left out as noise.
            .AddAspNetCoreInstrumentation(o => o.Filter = c => c.Request.Path.StartsWithSegments("/v1"))
            // The upstream call YARP makes (URL query redacted by .NET; headers, credentials included, never recorded).
            .AddSource("System.Net.Http")
            .AddOtlpExporter(o => Point(o, endpoint, telemetry.OtlpProtocol, "v1/traces")));
        if (telemetry.Metrics)
        {
            otel.WithMetrics(metrics => metrics
                .AddMeter(GatewayTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(o => Point(o, endpoint, telemetry.OtlpProtocol, "v1/metrics")));
        }
        return services;
    }

    /// <summary>The Prometheus scrape route, beside the health routes: outside /v1, so it needs no virtual key.</summary>
    public static void MapGatewayMetrics(this IEndpointRouteBuilder app, TelemetryOptions telemetry)
    {
        if (telemetry.PrometheusPath is not { } path) return;
        // Created now, not at the first scrape: it counts only what it sees while listening.
        _ = app.ServiceProvider.GetRequiredService<PrometheusExporter>();
        app.MapGet(path, (PrometheusExporter exporter) => Results.Text(exporter.Render(), PrometheusExporter.ContentType));
    }

    public static void UseGatewayFormat(this ILoggingBuilder logging, LogFormat format)
    {
        // One line per request (RequestTelemetry) replaces the framework's four; theirs repeat the URL with its query string.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Yarp", LogLevel.Warning);
        if (format != LogFormat.Json) return;
        logging.ClearProviders();
        logging.AddJsonConsole(o =>
        {
            // Scopes would add the raw request path to every line: the request log carries the route template instead.
            o.IncludeScopes = false;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }

    // With http/protobuf the SDK takes each signal's full URL; gRPC takes the collector's address as given.
    private static void Point(OtlpExporterOptions exporter, Uri endpoint, OtlpProtocol protocol, string signalPath)
    {
        exporter.Protocol = protocol == OtlpProtocol.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        exporter.Endpoint = protocol == OtlpProtocol.HttpProtobuf ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath) : endpoint;
    }
}
