using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// One upstream's circuit: closed (requests go), open after <see cref="CircuitBreakerOptions.Failures"/> consecutive
/// failures (the upstream is skipped for <see cref="CircuitBreakerOptions.OpenFor"/>, so a dead provider costs the
/// client no timeout), then half-open: one probe request goes, and its outcome closes or reopens the circuit.
/// </summary>
public sealed class CircuitBreaker(CircuitBreakerOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset? _openUntil;
    private bool _probing;
    private DateTimeOffset _probeStarted;

    public CircuitState State
    {
        get
        {
            lock (_lock)
            {
                if (_openUntil is null) return CircuitState.Closed;
                return _probing || time.GetUtcNow() >= _openUntil ? CircuitState.HalfOpen : CircuitState.Open;
            }
        }
    }

    /// <summary>Whether a request may go now; when the open period is over, the first caller becomes the probe.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            retryAfter = TimeSpan.Zero;
            if (_openUntil is not { } until) return true;
            var now = time.GetUtcNow();
            // A probe whose outcome never came back (an attempt that threw) must not hold the circuit half-open forever.
            if (_probing && now - _probeStarted > options.OpenFor) _probing = false;
            if (now < until || _probing)
            {
                retryAfter = now < until ? until - now : TimeSpan.FromSeconds(1);
                return false;
            }
            _probing = true;
            _probeStarted = now;
            return true;
        }
    }

    /// <summary>Records a healthy answer; true when this closed an open circuit.</summary>
    public bool Succeeded()
    {
        lock (_lock)
        {
            var wasOpen = _openUntil is not null;
            _failures = 0;
            _openUntil = null;
            _probing = false;
            return wasOpen;
        }
    }

    /// <summary>Records a failure; true when this opened a closed circuit.</summary>
    public bool Failed()
    {
        lock (_lock)
        {
            _failures++;
            // A failed probe reopens at once; a closed circuit opens at the threshold.
            if (!_probing && _failures < options.Failures) return false;
            var wasClosed = _openUntil is null;
            _openUntil = time.GetUtcNow() + options.OpenFor;
            _probing = false;
            return wasClosed;
        }
    }

    /// <summary>An attempt that said nothing about the upstream's health (the client left, a 429): a probe's slot is freed.</summary>
    public void Released()
    {
        lock (_lock) _probing = false;
    }
}

public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}
