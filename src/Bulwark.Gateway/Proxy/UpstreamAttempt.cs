using System.Net;

namespace Bulwark.Gateway.Proxy;

/// <summary>One upstream that a request may go to, with the model name that upstream knows.</summary>
public sealed record UpstreamTarget(Configuration.UpstreamOptions Upstream, string UpstreamModel)
{
    public string Name => Upstream.Name;
}

/// <summary>
/// How one attempt went, up to the response headers: the only point at which trying again is safe, since nothing
/// has reached the client yet and an LLM call has no side effect beyond its cost.
/// </summary>
internal sealed record UpstreamAttempt(AttemptOutcome Outcome, HttpResponseMessage? Response = null, string? Reason = null)
{
    public static UpstreamAttempt Answered(HttpResponseMessage response) => new((int)response.StatusCode switch
    {
        (int)HttpStatusCode.BadGateway or (int)HttpStatusCode.ServiceUnavailable or (int)HttpStatusCode.GatewayTimeout => AttemptOutcome.Unavailable,
        (int)HttpStatusCode.TooManyRequests => AttemptOutcome.RateLimited,
        >= 500 => AttemptOutcome.ServerError,
        _ => AttemptOutcome.Answered,
    }, response);

    /// <summary>The next attempt may go to this same upstream (the failure may pass on its own).</summary>
    public bool SameUpstreamMayRetry => Outcome is AttemptOutcome.Unreachable or AttemptOutcome.Unavailable;

    /// <summary>The next attempt may go to a fallback upstream.</summary>
    public bool MayRetry => Outcome is AttemptOutcome.Unreachable or AttemptOutcome.Unavailable or AttemptOutcome.RateLimited or AttemptOutcome.TimedOut;

    /// <summary>What the attempt says about the upstream's health: true healthy, false failing, null nothing.</summary>
    public bool? Healthy => Outcome switch
    {
        AttemptOutcome.Answered => true,
        AttemptOutcome.Unreachable or AttemptOutcome.TimedOut or AttemptOutcome.Unavailable or AttemptOutcome.ServerError => false,
        _ => null, // a rate limit is the provider working as meant; a client that left says nothing
    };
}

internal enum AttemptOutcome
{
    /// <summary>Response headers with a status the relays handle (2xx, 4xx other than 429).</summary>
    Answered,

    /// <summary>No connection, or the connection reset or closed before response headers.</summary>
    Unreachable,

    /// <summary>No response headers within limits.upstream-timeout.</summary>
    TimedOut,

    /// <summary>502, 503 or 504: the upstream (or a proxy before it) says it cannot answer now.</summary>
    Unavailable,

    /// <summary>429: this upstream is rate limiting the gateway; another may not be.</summary>
    RateLimited,

    /// <summary>Another 5xx: likely to fail again for the same request, so not retried.</summary>
    ServerError,

    /// <summary>The client went away.</summary>
    ClientGone,
}
