namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Caps the retries one upstream's failures may cause (as gRPC and Finagle retry budgets do): over the last
/// <see cref="Window"/>, retries may add at most <c>share</c> of the first attempts sent to it, plus a floor of
/// <see cref="MinRetries"/> so a quiet gateway can still retry. When an upstream fails everything, its load grows by
/// that share instead of doubling with every retry.
/// </summary>
public sealed class RetryBudget(double share, TimeProvider time)
{
    public const int MinRetries = 3;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private const int Buckets = 10;

    private readonly Lock _lock = new();
    private readonly long[] _firstAttempts = new long[Buckets];
    private readonly long[] _retries = new long[Buckets];
    private readonly long[] _bucketSecond = new long[Buckets];

    public void FirstAttempt()
    {
        lock (_lock) _firstAttempts[Bucket()]++;
    }

    /// <summary>Takes a retry from the budget when there is one left.</summary>
    public bool TryRetry()
    {
        lock (_lock)
        {
            var bucket = Bucket();
            long firstAttempts = 0, retries = 0;
            for (var i = 0; i < Buckets; i++)
            {
                firstAttempts += _firstAttempts[i];
                retries += _retries[i];
            }
            if (retries >= MinRetries + share * firstAttempts) return false;
            _retries[bucket]++;
            return true;
        }
    }

    /// <summary>The bucket of the current second, cleared of what it held a window ago; stale buckets are cleared too.</summary>
    private int Bucket()
    {
        var second = (long)(time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalSeconds;
        for (var i = 0; i < Buckets; i++)
        {
            if (second - _bucketSecond[i] < Buckets) continue;
            _firstAttempts[i] = 0;
            _retries[i] = 0;
        }
        var bucket = (int)(second % Buckets);
        if (_bucketSecond[bucket] != second)
        {
            _firstAttempts[bucket] = 0;
            _retries[bucket] = 0;
            _bucketSecond[bucket] = second;
        }
        return bucket;
    }
}
