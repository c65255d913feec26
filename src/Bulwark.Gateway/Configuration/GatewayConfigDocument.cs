namespace Bulwark.Gateway.Configuration;

// The YAML as written (hyphenated keys), before validation; schemas/gateway.schema.json describes the same shape.
// Unknown keys are refused by the deserializer, with the line and column.

internal sealed class GatewayConfigDocument
{
    public string? Listen { get; set; }
    public string? Database { get; set; }
    public List<UpstreamDocument>? Upstreams { get; set; }
    public List<ModelDocument>? Models { get; set; }
    public GuardsDocument? Guards { get; set; }
    public LimitsDocument? Limits { get; set; }
    public AuditDocument? Audit { get; set; }
    public AdminDocument? Admin { get; set; }
    public TelemetryDocument? Telemetry { get; set; }
    public LoggingDocument? Logging { get; set; }
    public StoresDocument? Stores { get; set; }
    public ResilienceDocument? Resilience { get; set; }
    public RedisDocument? Redis { get; set; }
}

internal sealed class UpstreamDocument
{
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public string? BaseUrl { get; set; }
    public string? ApiKey { get; set; }
    public string? ApiVersion { get; set; }
}

internal sealed class ModelDocument
{
    public string? Name { get; set; }
    public string? Upstream { get; set; }
    public string? UpstreamModel { get; set; }
    public string? GuardPolicy { get; set; }
    public List<FallbackDocument>? Fallbacks { get; set; }
}

internal sealed class FallbackDocument
{
    public string? Upstream { get; set; }
    public string? UpstreamModel { get; set; }
}

internal sealed class GuardsDocument
{
    public string? Policy { get; set; }
    public bool? Pseudonymize { get; set; }
    public bool? Canary { get; set; }
    public int? StreamHoldBack { get; set; }
    public Dictionary<string, string>? Policies { get; set; }
}

internal sealed class LimitsDocument
{
    public long? MaxBodyBytes { get; set; }
    public string? UpstreamTimeout { get; set; }
    public int? DefaultRpm { get; set; }
    public int? MaxHeaderBytes { get; set; }
    public string? HeaderTimeout { get; set; }
    public int? MinBodyRate { get; set; }
    public int? MaxStreamsPerKey { get; set; }
}

internal sealed class AuditDocument
{
    public string? PromptExcerpt { get; set; }
    public string? EncryptionKey { get; set; }
    public string? Durability { get; set; }
}

internal sealed class AdminDocument
{
    public string? Credential { get; set; }
}

internal sealed class TelemetryDocument
{
    public string? ServiceName { get; set; }
    public bool? Metrics { get; set; }
    public string? PrometheusPath { get; set; }
    public string? OtlpEndpoint { get; set; }
    public string? OtlpProtocol { get; set; }
}

internal sealed class LoggingDocument
{
    public string? Format { get; set; }
}

internal sealed class StoresDocument
{
    public string? OnFailure { get; set; }
}

internal sealed class ResilienceDocument
{
    public int? Retries { get; set; }
    public string? RetryBudget { get; set; }
    public CircuitBreakerDocument? CircuitBreaker { get; set; }
}

internal sealed class CircuitBreakerDocument
{
    public int? Failures { get; set; }
    public string? OpenFor { get; set; }
}

internal sealed class RedisDocument
{
    public string? Connection { get; set; }
    public string? KeyPrefix { get; set; }
    public string? VaultKey { get; set; }
    public string? VaultTtl { get; set; }
    public string? Timeout { get; set; }
}
