namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Which upstream each attempt of one request goes to. The first attempt goes to the first target (the route's
/// upstream, then its fallbacks in order) whose circuit lets it through; an open circuit is skipped without spending a
/// retry. After a failure that may be retried, the next attempt goes to the next fallback not yet tried; the same
/// upstream is tried again only when no fallback is left and the failure may pass on its own (a reset, a 502/503/504).
/// Each retry must fit <c>resilience.retries</c> and the failed upstream's <see cref="RetryBudget"/>.
/// </summary>
internal sealed class AttemptPlan(IReadOnlyList<UpstreamTarget> targets, int retries, UpstreamHealth health)
{
    private readonly HashSet<string> _tried = new(StringComparer.Ordinal);
    private int _retries;

    public int Attempts => _retries + 1;

    /// <summary>The first target whose circuit admits a request, or null with how long until one may.</summary>
    public UpstreamTarget? First(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.MaxValue;
        foreach (var target in targets)
        {
            if (health.Circuit(target.Name).TryAcquire(out var wait))
            {
                _tried.Add(target.Name);
                health.Budget(target.Name).FirstAttempt();
                return target;
            }
            if (wait < retryAfter) retryAfter = wait;
        }
        return null;
    }

    /// <summary>Where the next attempt goes after <paramref name="failed"/> went wrong as <paramref name="attempt"/> says, or null: no retry.</summary>
    public UpstreamTarget? Next(UpstreamTarget failed, UpstreamAttempt attempt)
    {
        if (!attempt.MayRetry || _retries >= retries) return null;
        var next = targets.FirstOrDefault(t => !_tried.Contains(t.Name) && health.Circuit(t.Name).State != CircuitState.Open)
                   ?? (attempt.SameUpstreamMayRetry ? failed : null);
        if (next is null) return null;
        // The failed upstream pays for the retry: its failures are what would otherwise multiply the load.
        if (!health.Budget(failed.Name).TryRetry()) return null;
        if (!health.Circuit(next.Name).TryAcquire(out _))
            return null;
        _retries++;
        _tried.Add(next.Name);
        return next;
    }
}
