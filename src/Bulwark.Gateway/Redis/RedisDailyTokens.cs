using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Bulwark.Gateway.Keys;
using StackExchange.Redis;

namespace Bulwark.Gateway.Redis;

/// <summary>
/// Daily token counts every gateway shares: one Redis counter per subject and UTC day (<c>INCRBY</c>, kept two days),
/// so a budget spent through one instance is spent on all. Reads are cached for <see cref="CacheFor"/> (a budget can
/// be overrun by what the instances admit in that time). <see cref="DailyTokenUsage"/> still counts and saves every
/// charge: the database stays the durable record, and a counter Redis lost (a restart without persistence) starts
/// again from it (<c>SET NX</c>), so budgets survive. While Redis is down: refuse (closed) or the local counts (open).
/// </summary>
public sealed class RedisDailyTokens(RedisStore store, DailyTokenUsage usage) : IDailyTokenCounter
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(2);

    // Adds only to a counter that exists: a missing one must be seeded from the database first. -1: missing.
    private const string AddIfPresentScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
        local total = redis.call('INCRBY', KEYS[1], ARGV[1])
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        return total
        """;

    // Real time, not the gateway's TimeProvider: the cache's age is about Redis round trips, not budget days.
    private readonly ConcurrentDictionary<RedisKey, (long Used, long Stamp)> _cache = new();

    public TimeSpan UntilReset => usage.UntilReset;

    public async ValueTask<long> UsedTodayAsync(string subject)
    {
        var key = CounterKey(subject);
        if (_cache.TryGetValue(key, out var cached) && Stopwatch.GetElapsedTime(cached.Stamp) < CacheFor) return cached.Used;
        var used = await store.RunAsync(async db =>
        {
            var value = await db.StringGetAsync(key).ConfigureAwait(false);
            return value.HasValue ? (long)value : await SeedAsync(db, key, subject).ConfigureAwait(false);
        }, () => ValueTask.FromResult(usage.UsedToday(subject))).ConfigureAwait(false);
        _cache[key] = (used, Stopwatch.GetTimestamp());
        return used;
    }

    public async ValueTask AddAsync(string subject, long tokens)
    {
        if (tokens <= 0) return;
        var key = CounterKey(subject);
        // Shared first: a seed read from the database must not already hold these tokens.
        await store.TryAsync(async db =>
        {
            var total = (long)(await db.ScriptEvaluateAsync(AddIfPresentScript, [key], [tokens, (long)KeepFor.TotalSeconds]).ConfigureAwait(false));
            if (total < 0)
            {
                await SeedAsync(db, key, subject).ConfigureAwait(false);
                total = await db.StringIncrementAsync(key, tokens).ConfigureAwait(false);
            }
            _cache[key] = (total, Stopwatch.GetTimestamp());
        }).ConfigureAwait(false);
        usage.Add(subject, tokens);
    }

    /// <summary>Starts a lost counter from the durable count; another instance may have seeded it first, and then its value stands.</summary>
    private async Task<long> SeedAsync(IDatabase db, RedisKey key, string subject)
    {
        await db.StringSetAsync(key, usage.SavedToday(subject), KeepFor, When.NotExists).ConfigureAwait(false);
        return (long)await db.StringGetAsync(key).ConfigureAwait(false);
    }

    private RedisKey CounterKey(string subject) => store.Key($"tokens:{subject}:{usage.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
}
