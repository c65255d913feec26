namespace Bulwark.Gateway.Configuration;

/// <summary>
/// How the gateway rides out failing upstreams (<c>resilience</c>; docs/gateway.md, Resilience).
/// </summary>
/// <param name="Retries">Extra attempts per request, across the route's upstream and its fallbacks (default 1; 0 turns retries off).</param>
/// <param name="RetryBudget">The share of recent first attempts that retries may add, per upstream (default 0.2).</param>
/// <param name="CircuitBreaker">When an upstream is skipped for a while.</param>
public sealed record ResilienceOptions(int Retries, double RetryBudget, CircuitBreakerOptions CircuitBreaker)
{
    public static readonly ResilienceOptions Default = new(1, 0.2, CircuitBreakerOptions.Default);
}

/// <param name="Failures">Consecutive failures that open the circuit (default 5).</param>
/// <param name="OpenFor">How long an open circuit skips the upstream before one probe may try it (default 30 s).</param>
public sealed record CircuitBreakerOptions(int Failures, TimeSpan OpenFor)
{
    public static readonly CircuitBreakerOptions Default = new(5, TimeSpan.FromSeconds(30));
}
