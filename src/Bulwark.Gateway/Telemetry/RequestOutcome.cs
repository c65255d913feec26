namespace Bulwark.Gateway.Telemetry;

/// <summary>
/// One finished request as metrics, spans and the request log see it: only values safe to export (no key, no prompt
/// text; a model name only when it is a routed one, not whatever a client sent).
/// </summary>
public sealed record RequestOutcome
{
    public required string Route { get; init; }
    public required int Status { get; init; }
    public required TimeSpan Latency { get; init; }
    public string? Operation { get; init; }
    public string? Model { get; init; }
    public string? Team { get; init; }
    public string? Provider { get; init; }
    public string? ServerAddress { get; init; }
    public int? ServerPort { get; init; }
    public string? ErrorType { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }

    /// <summary>Whether any guard pipeline ran (a request refused for its key or body never reaches them).</summary>
    public bool Guarded { get; init; }

    public required string Verdict { get; init; }
    public IReadOnlyList<string> Rules { get; init; } = [];
}
