namespace Bulwark.Gateway.Configuration;

/// <summary>Validates the <c>telemetry</c> and <c>logging</c> sections of gateway.yaml, adding each mistake to the loader's list.</summary>
internal static class TelemetryConfig
{
    /// <summary>Paths the gateway serves itself: the metrics endpoint may not shadow them.</summary>
    private static readonly string[] Reserved = ["/healthz", "/readyz"];

    public static TelemetryOptions Read(TelemetryDocument? document, List<string> errors)
    {
        if (document is null) return TelemetryOptions.Default;
        var serviceName = document.ServiceName ?? TelemetryOptions.DefaultServiceName;
        if (string.IsNullOrWhiteSpace(serviceName)) errors.Add("telemetry.service-name: must not be empty");

        var metrics = document.Metrics ?? true;
        var path = PrometheusPath(document.PrometheusPath, errors);
        if (!metrics && document.PrometheusPath is not (null or "none")) errors.Add("telemetry.prometheus-path: serving metrics needs telemetry.metrics: true");

        Uri? endpoint = null;
        if (document.OtlpEndpoint is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(endpoint.Query)))
        {
            errors.Add($"telemetry.otlp-endpoint: must be an http(s) URL of an OTLP collector, such as http://127.0.0.1:4317 (got '{text}')");
            endpoint = null;
        }
        var protocol = OtlpProtocol.Grpc;
        switch (document.OtlpProtocol)
        {
            case null or "grpc": break;
            case "http/protobuf": protocol = OtlpProtocol.HttpProtobuf; break;
            case var other: errors.Add($"telemetry.otlp-protocol: must be grpc or http/protobuf (got '{other}')"); break;
        }
        if (document.OtlpProtocol is not null && document.OtlpEndpoint is null) errors.Add("telemetry.otlp-protocol: needs telemetry.otlp-endpoint");
        return new TelemetryOptions(serviceName, metrics, metrics ? path : null, endpoint, protocol);
    }

    public static LogFormat ReadLogFormat(LoggingDocument? document, List<string> errors)
    {
        switch (document?.Format)
        {
            case null or "text": return LogFormat.Text;
            case "json": return LogFormat.Json;
            case var other:
                errors.Add($"logging.format: must be text or json (got '{other}')");
                return LogFormat.Text;
        }
    }

    /// <summary>Outside /v1 (scrapers hold no virtual key) and off the health routes; <c>none</c> turns the endpoint off.</summary>
    private static string? PrometheusPath(string? path, List<string> errors)
    {
        switch (path)
        {
            case null: return TelemetryOptions.DefaultPrometheusPath;
            case "none": return null;
        }
        var valid = path.Length > 1 && path[0] == '/' && path.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.');
        if (!valid) errors.Add($"telemetry.prometheus-path: must be a path such as /metrics, or none (got '{path}')");
        else if (path.Equals("/v1", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase)) errors.Add("telemetry.prometheus-path: must be outside /v1, where every call needs a virtual key");
        else if (Reserved.Contains(path.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)) errors.Add($"telemetry.prometheus-path: {path} is the gateway's health route");
        return path;
    }
}
