using Bulwark.Gateway.Keys;
using StackExchange.Redis;

namespace Bulwark.Gateway.Redis;

/// <summary>
/// Per-minute limits shared by every gateway on one Redis: a sliding window of the last 60 one-second buckets per
/// subject (a hash: second → count), checked and taken for the key and its team in one Lua script. The script reads
/// the clock with Redis <c>TIME</c>, so the instances' clocks do not matter. Unlike the in-process token bucket there
/// is no refill: within any 60 s no more than the limit is admitted, and Retry-After is when the oldest buckets that
/// must leave the window do. Tokens use the same window, summing what answers were charged; a request is admitted
/// while the sum is under the limit. While Redis is down: <see cref="RedisStore"/> refuses or falls back to
/// <paramref name="local"/>.
/// </summary>
public sealed class RedisRateLimiter(RedisStore store, KeyRateLimiter local) : IRateLimiter
{
    private const int WindowSeconds = 60;

    // KEYS: per subject its requests hash then its tokens hash. ARGV: per subject rpm then tpm (0: no limit).
    // Returns {0, 0} when admitted, else {the refusing subject's 1-based index, seconds to wait}.
    private const string AcquireScript = """
        local now = tonumber(redis.call('TIME')[1])
        local horizon = now - 60
        local function window(key)
          local sum, buckets = 0, {}
          local flat = redis.call('HGETALL', key)
          for i = 1, #flat, 2 do
            local second, count = tonumber(flat[i]), tonumber(flat[i + 1])
            if second <= horizon then redis.call('HDEL', key, flat[i])
            else sum = sum + count; buckets[#buckets + 1] = { second, count } end
          end
          return sum, buckets
        end
        local function wait(sum, buckets, limit)
          table.sort(buckets, function(a, b) return a[1] < b[1] end)
          for _, b in ipairs(buckets) do
            sum = sum - b[2]
            if sum < limit then return b[1] + 60 - now end
          end
          return 60
        end
        local n = #KEYS / 2
        for i = 1, n do
          local tpm = tonumber(ARGV[2 * i])
          if tpm > 0 then
            local sum, buckets = window(KEYS[2 * i])
            if sum >= tpm then return { i, wait(sum, buckets, tpm) } end
          end
          local rpm = tonumber(ARGV[2 * i - 1])
          if rpm > 0 then
            local sum, buckets = window(KEYS[2 * i - 1])
            if sum >= rpm then return { i, wait(sum, buckets, rpm) } end
          end
        end
        for i = 1, n do
          if tonumber(ARGV[2 * i - 1]) > 0 then
            redis.call('HINCRBY', KEYS[2 * i - 1], now, 1)
            redis.call('EXPIRE', KEYS[2 * i - 1], 61)
          end
        end
        return { 0, 0 }
        """;

    // KEYS: tokens hashes. ARGV[1]: tokens.
    private const string ChargeScript = """
        local now = redis.call('TIME')[1]
        for i = 1, #KEYS do
          redis.call('HINCRBY', KEYS[i], now, ARGV[1])
          redis.call('EXPIRE', KEYS[i], 61)
        end
        return 0
        """;

    public async ValueTask<RateLimitDenial?> AcquireAsync(IReadOnlyList<RateLimitSubject> subjects)
    {
        var limited = subjects.Where(s => s.Limited).ToList();
        if (limited.Count == 0) return null;
        var keys = new RedisKey[limited.Count * 2];
        var limits = new RedisValue[limited.Count * 2];
        for (var i = 0; i < limited.Count; i++)
        {
            (keys[2 * i], keys[2 * i + 1]) = (RequestsKey(limited[i]), TokensKey(limited[i]));
            (limits[2 * i], limits[2 * i + 1]) = (limited[i].RequestsPerMinute ?? 0, limited[i].TokensPerMinute ?? 0);
        }
        // ScriptEvaluateAsync with the script text: EVALSHA when the server has it, EVAL again after a NOSCRIPT (a restarted Redis).
        return await store.RunAsync<RateLimitDenial?>(async db =>
        {
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(AcquireScript, keys, limits).ConfigureAwait(false))!;
            var refused = (int)result[0];
            return refused == 0 ? null : new RateLimitDenial(limited[refused - 1].Who, TimeSpan.FromSeconds(Math.Clamp((int)result[1], 1, WindowSeconds)));
        }, () => local.AcquireAsync(subjects)).ConfigureAwait(false);
    }

    public async ValueTask ChargeTokensAsync(IReadOnlyList<RateLimitSubject> subjects, long tokens)
    {
        var keys = subjects.Where(s => s.TokensPerMinute is not null).Select(TokensKey).ToArray();
        if (keys.Length == 0 || tokens <= 0) return;
        // The answer is given: a charge Redis missed goes to the local buckets, which stand in while it is down.
        if (!await store.TryAsync(db => db.ScriptEvaluateAsync(ChargeScript, keys, [tokens])).ConfigureAwait(false))
            await local.ChargeTokensAsync(subjects, tokens).ConfigureAwait(false);
    }

    private RedisKey RequestsKey(RateLimitSubject s) => store.Key($"rate:{s.Bucket}:requests");

    private RedisKey TokensKey(RateLimitSubject s) => store.Key($"rate:{s.Bucket}:tokens");
}
