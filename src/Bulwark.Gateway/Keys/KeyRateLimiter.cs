using System.Collections.Concurrent;

namespace Bulwark.Gateway.Keys;

/// <summary>
/// Per-key token buckets for requests per minute and model tokens per minute. A bucket holds a minute's allowance and
/// refills continuously, so a key can burst up to its limit and then runs at the limit's rate. Tokens are charged
/// after the answer (only then is the usage known), so a bucket may go negative; the key then waits until it refills.
/// Time comes from <see cref="TimeProvider"/> so tests can step it.
/// </summary>
public sealed class KeyRateLimiter(TimeProvider time) : IRateLimiter
{
    private readonly ConcurrentDictionary<string, Bucket> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Bucket> _tokens = new(StringComparer.Ordinal);

    public ValueTask<RateLimitDenial?> AcquireAsync(IReadOnlyList<RateLimitSubject> subjects)
    {
        foreach (var s in subjects)
        {
            if (!TryAcquire(s.Bucket, s.RequestsPerMinute, s.TokensPerMinute, out var wait)) return ValueTask.FromResult<RateLimitDenial?>(new RateLimitDenial(s.Who, wait));
        }
        return ValueTask.FromResult<RateLimitDenial?>(null);
    }

    public ValueTask ChargeTokensAsync(IReadOnlyList<RateLimitSubject> subjects, long tokens)
    {
        foreach (var s in subjects) ChargeTokens(s.Bucket, s.TokensPerMinute, tokens);
        return ValueTask.CompletedTask;
    }

    /// <summary>Takes one request from the key's allowance; when none is left, says how long until there is.</summary>
    public bool TryAcquire(string keyId, int? requestsPerMinute, int? tokensPerMinute, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var now = time.GetTimestamp();
        if (tokensPerMinute is { } tpm && !_tokens.GetOrAdd(keyId, _ => new Bucket(tpm, now)).HasAny(tpm, now, time, out retryAfter)) return false;
        if (requestsPerMinute is { } rpm && !_requests.GetOrAdd(keyId, _ => new Bucket(rpm, now)).TryTake(rpm, 1, now, time, out retryAfter)) return false;
        return true;
    }

    /// <summary>Charges the tokens an answer used to the key's per-minute token allowance.</summary>
    public void ChargeTokens(string keyId, int? tokensPerMinute, long tokens)
    {
        if (tokensPerMinute is not { } tpm || tokens <= 0) return;
        var now = time.GetTimestamp();
        _tokens.GetOrAdd(keyId, _ => new Bucket(tpm, now)).Charge(tpm, tokens, now, time);
    }

    private sealed class Bucket(double level, long stamp)
    {
        private readonly Lock _lock = new();
        private double _level = level;
        private long _stamp = stamp;

        public bool TryTake(int perMinute, double amount, long now, TimeProvider time, out TimeSpan retryAfter)
        {
            lock (_lock)
            {
                Refill(perMinute, now, time);
                if (_level >= amount)
                {
                    _level -= amount;
                    retryAfter = TimeSpan.Zero;
                    return true;
                }
                retryAfter = Wait(perMinute, amount - _level);
                return false;
            }
        }

        public bool HasAny(int perMinute, long now, TimeProvider time, out TimeSpan retryAfter)
        {
            lock (_lock)
            {
                Refill(perMinute, now, time);
                retryAfter = _level > 0 ? TimeSpan.Zero : Wait(perMinute, 1 - _level);
                return _level > 0;
            }
        }

        public void Charge(int perMinute, double amount, long now, TimeProvider time)
        {
            lock (_lock)
            {
                Refill(perMinute, now, time);
                _level -= amount;
            }
        }

        private void Refill(int perMinute, long now, TimeProvider time)
        {
            var elapsed = time.GetElapsedTime(_stamp, now);
            _level = Math.Min(perMinute, _level + elapsed.TotalMinutes * perMinute);
            _stamp = now;
        }

        private static TimeSpan Wait(int perMinute, double missing) => TimeSpan.FromMinutes(missing / perMinute);
    }
}
