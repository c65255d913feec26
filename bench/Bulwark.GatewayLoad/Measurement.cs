namespace Bulwark.GatewayLoad;

/// <summary>
/// One target under one phase in one round. Processor times are per request completed in the window: the target's own
/// process (the gateway; the upstream itself for direct), the upstream, and this load generator.
/// </summary>
public sealed record Measurement(
    string Target,
    string Phase,
    int Round,
    int Order,
    long Requests,
    long Errors,
    double Seconds,
    double RequestsPerSecond,
    LatencyPercentiles Latency,
    double? TargetCpuMsPerRequest,
    double? UpstreamCpuMsPerRequest,
    double ClientCpuMsPerRequest,
    string? FirstError);
