namespace Bulwark.Gateway.Audit;

/// <summary>
/// One request as the audit trail keeps it. Holds the key's public id, never the key; the excerpt is what
/// audit.prompt-excerpt allows (nothing, a hash, text with every detected value replaced by its type, or the client's
/// whole prompt sealed by <see cref="AuditPromptCipher"/>).
/// </summary>
public sealed record AuditRecord
{
    public required string RequestId { get; init; }
    public required DateTimeOffset Time { get; init; }
    public string? KeyId { get; init; }
    public string? Team { get; init; }
    public required string Route { get; init; }
    public string? Model { get; init; }
    public string? Upstream { get; init; }
    public bool Stream { get; init; }
    public required int Status { get; init; }
    public required double LatencyMs { get; init; }
    public long? PromptTokens { get; init; }
    public long? CompletionTokens { get; init; }
    public long? TotalTokens { get; init; }

    /// <summary><c>allow</c>, <c>redact</c> or <c>block</c>: the strongest enforced guard action on the request.</summary>
    public required string Verdict { get; init; }

    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>The error code the client got (a rule id, <c>upstream_timeout</c>, …), or null on success.</summary>
    public string? Error { get; init; }

    public string? Excerpt { get; init; }
}

/// <summary>What <c>bulwark audit query</c> filters on; null fields do not filter.</summary>
public sealed record AuditQuery(DateTimeOffset? Since = null, string? KeyId = null, string? RuleId = null, int Limit = 100);
