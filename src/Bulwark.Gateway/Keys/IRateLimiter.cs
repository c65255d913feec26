namespace Bulwark.Gateway.Keys;

/// <summary>One allowance a request is held to: a key's or a team's per-minute limits (null: no limit).</summary>
/// <param name="Bucket">Where its counts live (a key id, or <c>team:NAME</c>).</param>
/// <param name="Who">How a denial names it (<c>key key_…</c>, <c>team 'x'</c>).</param>
public sealed record RateLimitSubject(string Bucket, string Who, int? RequestsPerMinute, int? TokensPerMinute)
{
    public bool Limited => RequestsPerMinute is not null || TokensPerMinute is not null;
}

/// <summary>Which allowance refused a request, and when to try again.</summary>
public sealed record RateLimitDenial(string Who, TimeSpan RetryAfter);

/// <summary>
/// Per-minute request and token limits: <see cref="KeyRateLimiter"/> in this process, <see cref="Redis.RedisRateLimiter"/>
/// shared by every gateway on one Redis.
/// </summary>
public interface IRateLimiter
{
    /// <summary>Null when every subject admits the request (one request is then taken from each); otherwise the first refusal.</summary>
    ValueTask<RateLimitDenial?> AcquireAsync(IReadOnlyList<RateLimitSubject> subjects);

    /// <summary>Charges the tokens an answer used to each subject's per-minute token allowance.</summary>
    ValueTask ChargeTokensAsync(IReadOnlyList<RateLimitSubject> subjects, long tokens);
}
