using System.Globalization;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;

namespace Bulwark.Gateway.Keys;

/// <summary>Why a key's request may not go ahead, as the OpenAI-style error to answer with.</summary>
public sealed record AccessDenial(int Status, string Type, string Code, string Message, TimeSpan? RetryAfter = null);

/// <summary>
/// Decides whether an authenticated key's request may go ahead, and charges what it used once answered. A key is
/// held to its own limits and to its team's (so the stricter wins; the team's are shared by all its keys): daily
/// token budgets first (they are read-only checks), then the per-minute buckets of <see cref="KeyRateLimiter"/>.
/// </summary>
public sealed class AccessPolicy(KeyRateLimiter limiter, DailyTokenUsage usage, GuardPolicies guardPolicies, GatewayOptions options)
{
    /// <summary>OpenAI's answer when an account's quota is spent (429, type and code <c>insufficient_quota</c>).</summary>
    public const string QuotaCode = "insufficient_quota";

    /// <summary>Null when the request may go ahead; otherwise the denial. Takes one request from the rpm allowances.</summary>
    public AccessDenial? Admit(VirtualKey key)
    {
        // Fail closed: a key whose policy name the config lost must not fall back to a weaker policy.
        if (key.EffectiveGuardPolicy is { } policy && !guardPolicies.Contains(policy))
        {
            return new AccessDenial(500, "server_error", "unknown_guard_policy",
                $"The guard policy '{policy}' named by key {key.Id} or its team is not defined in this gateway's config (guards.policies); ask its operator.");
        }
        var team = key.TeamPolicy;
        if (Spent(DailyTokenUsage.KeySubject(key.Id), key.BudgetTokensPerDay) is { } keyBudget) return OutOfBudget($"key {key.Id}", keyBudget);
        if (team is not null && Spent(DailyTokenUsage.TeamSubject(team.Name), team.BudgetTokensPerDay) is { } teamBudget) return OutOfBudget($"team '{team.Name}'", teamBudget);
        if (!limiter.TryAcquire(key.Id, key.RequestsPerMinute ?? options.Limits.DefaultRequestsPerMinute, key.TokensPerMinute, out var wait)) return RateLimited($"key {key.Id}", wait);
        if (team is not null && !limiter.TryAcquire(TeamBucket(team.Name), team.RequestsPerMinute, team.TokensPerMinute, out wait)) return RateLimited($"team '{team.Name}'", wait);
        return null;
    }

    /// <summary>Charges the model tokens an answer used to the key's and the team's per-minute and per-day allowances.</summary>
    public void Charge(VirtualKey key, long tokens)
    {
        if (tokens <= 0) return;
        limiter.ChargeTokens(key.Id, key.TokensPerMinute, tokens);
        if (key.TeamPolicy is { } team) limiter.ChargeTokens(TeamBucket(team.Name), team.TokensPerMinute, tokens);
        // Counted with or without a budget, so a budget set in the afternoon counts the morning's use.
        usage.Add(DailyTokenUsage.KeySubject(key.Id), tokens);
        usage.Add(DailyTokenUsage.TeamSubject(key.Team), tokens);
    }

    // Team buckets live beside the keys' in the same limiter; key ids start with "key_", so they cannot collide.
    private static string TeamBucket(string team) => "team:" + team;

    private long? Spent(string subject, long? budget) => budget is { } b && usage.UsedToday(subject) >= b ? b : null;

    private AccessDenial OutOfBudget(string who, long budget)
    {
        var wait = usage.UntilReset;
        return new AccessDenial(429, QuotaCode, QuotaCode,
            $"The daily token budget of {who} is spent ({budget.ToString("N0", CultureInfo.InvariantCulture)} tokens per UTC day); it resets at 00:00 UTC, in {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
    }

    private static AccessDenial RateLimited(string who, TimeSpan wait) =>
        new(429, "rate_limit_error", "rate_limit_exceeded", $"Rate limit reached for {who}; retry after {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
}
