using System.Collections.Concurrent;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Proxy;

/// <summary>Each upstream's circuit breaker and retry budget, shared by every request of this gateway instance.</summary>
public sealed class UpstreamHealth(GatewayOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, CircuitBreaker> _circuits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RetryBudget> _budgets = new(StringComparer.Ordinal);

    public CircuitBreaker Circuit(string upstream) => _circuits.GetOrAdd(upstream, _ => new CircuitBreaker(options.Resilience.CircuitBreaker, time));

    public RetryBudget Budget(string upstream) => _budgets.GetOrAdd(upstream, _ => new RetryBudget(options.Resilience.RetryBudget, time));

    /// <summary>The circuits that have seen traffic, for the metrics.</summary>
    public IEnumerable<(string Upstream, CircuitState State)> Circuits() => _circuits.Select(c => (c.Key, c.Value.State));
}
