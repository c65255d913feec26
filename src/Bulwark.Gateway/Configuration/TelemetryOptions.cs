namespace Bulwark.Gateway.Configuration;

/// <summary>How OTLP data travels to the collector.</summary>
public enum OtlpProtocol
{
    /// <summary>gRPC, usually port 4317: the OTLP default.</summary>
    Grpc,

    /// <summary>Protobuf over HTTP, usually port 4318; the gateway appends <c>/v1/traces</c> and <c>/v1/metrics</c>.</summary>
    HttpProtobuf,
}

/// <summary>The gateway's console log lines: readable text, or one JSON object per line for log pipelines.</summary>
public enum LogFormat
{
    Text,
    Json,
}

/// <summary>
/// Metrics and traces (docs/gateway.md, Monitoring). Metrics are recorded unless <see cref="Metrics"/> is off and are
/// served as Prometheus text at <see cref="PrometheusPath"/> (null: not served); traces and metrics go to an OTLP
/// collector only when <see cref="OtlpEndpoint"/> is set.
/// </summary>
public sealed record TelemetryOptions(string ServiceName, bool Metrics, string? PrometheusPath, Uri? OtlpEndpoint, OtlpProtocol OtlpProtocol)
{
    public const string DefaultServiceName = "bulwark-gateway";
    public const string DefaultPrometheusPath = "/metrics";

    public static TelemetryOptions Default { get; } = new(DefaultServiceName, true, DefaultPrometheusPath, null, OtlpProtocol.Grpc);
}
