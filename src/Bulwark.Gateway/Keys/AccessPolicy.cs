using System.Globalization;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;

namespace Bulwark.Gateway.Keys;

/// <summary>Why a key's request may not go ahead, as the OpenAI-style error to answer with.</summary>
public sealed record AccessDenial(int Status, string Type, string Code, string Message, TimeSpan? RetryAfter = null);

/// <summary>
/// Decides whether an authenticated key's request may go ahead, and charges what it used once answered. A key is
/// held to its own limits and to its team's (so the stricter wins; the team's are shared by all its keys): daily
/// token budgets first (they are read-only checks), then the per-minute limits of the <see cref="IRateLimiter"/> (the
/// key's and the team's in one call, so a shared limiter checks both in one round trip). Asynchronous: with Redis the
/// counts live there; while it is down and the gateway fails closed, a request that needs them is refused with 503.
/// </summary>
public sealed class AccessPolicy(IRateLimiter limiter, IDailyTokenCounter usage, GuardPolicies guardPolicies, GatewayOptions options)
{
    /// <summary>OpenAI's answer when an account's quota is spent (429, type and code <c>insufficient_quota</c>).</summary>
    public const string QuotaCode = "insufficient_quota";

    /// <summary>Null when the request may go ahead; otherwise the denial. Takes one request from the rpm allowances.</summary>
    public async ValueTask<AccessDenial?> AdmitAsync(VirtualKey key)
    {
        // Fail closed: a key whose policy name the config lost must not fall back to a weaker policy.
        if (key.EffectiveGuardPolicy is { } policy && !guardPolicies.Contains(policy))
        {
            return new AccessDenial(500, "server_error", "unknown_guard_policy",
                $"The guard policy '{policy}' named by key {key.Id} or its team is not defined in this gateway's config (guards.policies); ask its operator.");
        }
        var team = key.TeamPolicy;
        try
        {
            if (await SpentAsync(DailyTokenUsage.KeySubject(key.Id), key.BudgetTokensPerDay).ConfigureAwait(false) is { } keyBudget) return OutOfBudget($"key {key.Id}", keyBudget);
            if (team is not null && await SpentAsync(DailyTokenUsage.TeamSubject(team.Name), team.BudgetTokensPerDay).ConfigureAwait(false) is { } teamBudget) return OutOfBudget($"team '{team.Name}'", teamBudget);
            return await limiter.AcquireAsync(Subjects(key, options)).ConfigureAwait(false) is { } denial ? RateLimited(denial.Who, denial.RetryAfter) : null;
        }
        catch (Redis.StoreUnavailableException e)
        {
            return new AccessDenial(503, "server_error", Redis.StoreUnavailableException.Code, e.Message);
        }
    }

    /// <summary>Charges the model tokens an answer used to the key's and the team's per-minute and per-day allowances.</summary>
    public async ValueTask ChargeAsync(VirtualKey key, long tokens)
    {
        if (tokens <= 0) return;
        await limiter.ChargeTokensAsync(Subjects(key, options), tokens).ConfigureAwait(false);
        // Counted with or without a budget, so a budget set in the afternoon counts the morning's use.
        await usage.AddAsync(DailyTokenUsage.KeySubject(key.Id), tokens).ConfigureAwait(false);
        await usage.AddAsync(DailyTokenUsage.TeamSubject(key.Team), tokens).ConfigureAwait(false);
    }

    // Team buckets live beside the keys' in the same limiter; key ids start with "key_", so they cannot collide.
    private static RateLimitSubject[] Subjects(VirtualKey key, GatewayOptions options)
    {
        var keySubject = new RateLimitSubject(key.Id, $"key {key.Id}", key.RequestsPerMinute ?? options.Limits.DefaultRequestsPerMinute, key.TokensPerMinute);
        return key.TeamPolicy is { } team ? [keySubject, new RateLimitSubject("team:" + team.Name, $"team '{team.Name}'", team.RequestsPerMinute, team.TokensPerMinute)] : [keySubject];
    }

    private async ValueTask<long?> SpentAsync(string subject, long? budget) => budget is { } b && await usage.UsedTodayAsync(subject).ConfigureAwait(false) >= b ? b : null;

    private AccessDenial OutOfBudget(string who, long budget)
    {
        var wait = usage.UntilReset;
        return new AccessDenial(429, QuotaCode, QuotaCode,
            $"The daily token budget of {who} is spent ({budget.ToString("N0", CultureInfo.InvariantCulture)} tokens per UTC day); it resets at 00:00 UTC, in {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
    }

    private static AccessDenial RateLimited(string who, TimeSpan wait) =>
        new(429, "rate_limit_error", "rate_limit_exceeded", $"Rate limit reached for {who}; retry after {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
}
