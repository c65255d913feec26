namespace Bulwark.Infra.Probe;

/// <summary>What answered on an endpoint.</summary>
public enum EndpointState
{
    /// <summary>Connection refused.</summary>
    Closed,

    /// <summary>No HTTP answer: timed out, reset, not HTTP, TLS failed, or the name did not resolve.</summary>
    NoAnswer,

    /// <summary>An HTTP server that matched no fingerprint.</summary>
    Http,

    /// <summary>A fingerprinted AI service.</summary>
    Identified,
}

/// <summary>Whether the service's sensitive endpoint answered without a credential.</summary>
public enum AuthenticationState
{
    Unknown,

    /// <summary>The access check answered with data and no credential.</summary>
    None,

    /// <summary>401, 403, a redirect to a login page, or a product's own refusal.</summary>
    Required,
}

/// <summary>One request that decided something: what was sent, the status, and what in the answer mattered.</summary>
public sealed record ProbeEvidence(string Request, int? Status, string Note)
{
    public override string ToString() => Status is { } status ? $"{Request} -> {status}: {Note}" : $"{Request}: {Note}";
}

/// <summary>The probe's verdict on one host:port.</summary>
public sealed record EndpointResult
{
    public required ProbeTarget Target { get; init; }
    public required EndpointState State { get; init; }
    public ServiceFingerprint? Service { get; init; }

    /// <summary>As the service reports it, reduced to printable characters and at most 64 of them.</summary>
    public string? Version { get; init; }

    public AuthenticationState Authentication { get; init; } = AuthenticationState.Unknown;

    /// <summary>Why there was no answer, for <see cref="EndpointState.Closed"/> and <see cref="EndpointState.NoAnswer"/>.</summary>
    public string? Detail { get; init; }

    public IReadOnlyList<ProbeEvidence> Evidence { get; init; } = [];

    /// <summary>The access check's answer that decided <see cref="Authentication"/>, when one did.</summary>
    public ProbeEvidence? AccessEvidence { get; init; }

    /// <summary>Requests sent to this endpoint.</summary>
    public int Requests { get; init; }

    public string Url => Target.BaseUri.ToString();

    /// <summary>An identified AI service that answered its access check without a credential.</summary>
    public bool IsUnauthenticatedService => State == EndpointState.Identified && Authentication == AuthenticationState.None;

    public static string StateName(EndpointState state) => state switch
    {
        EndpointState.Closed => "closed",
        EndpointState.NoAnswer => "no-answer",
        EndpointState.Http => "http",
        _ => "identified",
    };

    public static string AuthenticationName(AuthenticationState state) => state switch
    {
        AuthenticationState.None => "none",
        AuthenticationState.Required => "required",
        _ => "unknown",
    };
}
