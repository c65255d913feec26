using Bulwark.Kernel;

namespace Bulwark.Infra.Probe;

/// <summary>One request the probe may send. Value equality lets an endpoint's answers be cached per request.</summary>
public sealed record ProbeRequest(string Method, string PathAndQuery, string? JsonBody = null)
{
    public override string ToString() => $"{Method} {PathAndQuery}";
}

/// <summary>A request and the answer that identifies a service.</summary>
public sealed record IdentifyRule(ProbeRequest Request, ResponseCondition Condition);

/// <summary>Where a service states its version: a JSON path, a header, or the whole (short) body.</summary>
public sealed record VersionSource(ProbeRequest Request, JsonPath? Json, string? Header)
{
    public bool FromText => Json is null && Header is null;
}

/// <summary>
/// A request to a sensitive endpoint. <see cref="Open"/> matching means it answered with data and no credential;
/// <see cref="Required"/> adds refusals beyond the 401, 403 and login redirects that always count.
/// </summary>
public sealed record AccessCheck(ProbeRequest Request, ResponseCondition Open, ResponseCondition? Required);

/// <summary>One AI service kind of the catalog (<c>ai-service-fingerprints.yaml</c>).</summary>
public sealed record ServiceFingerprint
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<int> Ports { get; init; }

    /// <summary>Severity of the finding when the service is open: critical where open access runs code.</summary>
    public Severity Severity { get; init; } = Severity.High;

    public required IReadOnlyList<IdentifyRule> Identify { get; init; }
    public IReadOnlyList<VersionSource> Version { get; init; } = [];
    public IReadOnlyList<AccessCheck> Access { get; init; } = [];
}
