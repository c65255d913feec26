using Bulwark.Data.Anonymization;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Keys;
using StackExchange.Redis;

namespace Bulwark.Gateway.Redis;

/// <summary>
/// One virtual key's placeholders in Redis, for one request: a placeholder minted by any gateway instance is restored
/// by any other, and a value gets the same placeholder in every request of the key. One hash per key holds
/// <c>h:HMAC → placeholder</c>, <c>p:placeholder → sealed original</c> and <c>n:TYPE → last number</c>; its TTL
/// (<c>redis.vault-ttl</c>) starts again whenever the key masks something. Redis never sees a value in plaintext
/// (<see cref="VaultCipher"/>). Minting a new placeholder takes two calls: reserve a number, then store the sealed
/// original and claim the value; the claim comes second so no instance can see a placeholder it cannot restore.
/// While Redis is down: masking is refused (closed: <see cref="StoreUnavailableException"/>, so nothing unmasked goes
/// upstream) or numbered locally for this request (open); restoring leaves the placeholder as it is.
/// </summary>
public sealed class RedisPseudonymStore(RedisStore store, VaultCipher cipher, string scope) : IPseudonymStore
{
    // KEYS[1]: the scope's hash. ARGV: lookup, entity type, ttl seconds. Returns the placeholder and 1 when it is new (reserved, not yet claimed).
    private const string ReserveScript = """
        local found = redis.call('HGET', KEYS[1], 'h:' .. ARGV[1])
        if found then
          redis.call('EXPIRE', KEYS[1], ARGV[3])
          return { found, 0 }
        end
        local n = redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[2], 1)
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        return { '<' .. ARGV[2] .. '_' .. n .. '>', 1 }
        """;

    // KEYS[1]: the scope's hash. ARGV: lookup, placeholder, sealed original, ttl seconds. Returns the value's placeholder:
    // ours, or the one another instance claimed for the same value in the meantime (ours is then dropped).
    private const string ClaimScript = """
        redis.call('HSET', KEYS[1], 'p:' .. ARGV[2], ARGV[3])
        local won = redis.call('HSETNX', KEYS[1], 'h:' .. ARGV[1], ARGV[2])
        redis.call('EXPIRE', KEYS[1], ARGV[4])
        if won == 1 then return ARGV[2] end
        redis.call('HDEL', KEYS[1], 'p:' .. ARGV[2])
        return redis.call('HGET', KEYS[1], 'h:' .. ARGV[1])
        """;

    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);

    private RedisKey Hash => store.Key("vault:" + scope);

    private long TtlSeconds => (long)store.Options.VaultTtl.TotalSeconds;

    public string? PlaceholderFor(string entityType, string value)
    {
        var lookup = cipher.Lookup(scope, entityType, value);
        return store.Run<string?>(db =>
        {
            var reserved = (RedisResult[])db.ScriptEvaluate(ReserveScript, [Hash], [lookup, entityType, TtlSeconds])!;
            var placeholder = (string)reserved[0]!;
            if ((int)reserved[1] == 0) return placeholder;
            return (string?)db.ScriptEvaluate(ClaimScript, [Hash], [lookup, placeholder, cipher.Seal(scope, placeholder, value), TtlSeconds]);
        }, () => null);
    }

    public bool TryGetOriginal(string placeholder, out string original)
    {
        original = "";
        // Answers hold many "<…>" that are no placeholder (HTML, generics): only placeholder-shaped text costs a Redis call, once.
        if (!LooksLikePlaceholder(placeholder)) return false;
        lock (_unknown)
        {
            if (_unknown.Contains(placeholder)) return false;
        }
        string? found;
        try
        {
            found = store.Run(db => db.HashGet(Hash, "p:" + placeholder) is { HasValue: true } sealedValue ? cipher.Open(scope, placeholder, (byte[])sealedValue!) : null, () => null);
        }
        catch (StoreUnavailableException)
        {
            return false; // the answer is already on its way: the placeholder stays, nothing is revealed
        }
        if (found is null)
        {
            lock (_unknown) _unknown.Add(placeholder);
            return false;
        }
        original = found;
        return true;
    }

    /// <summary><c>&lt;TYPE_N&gt;</c>: a type of letters, digits, <c>_</c> or <c>-</c>, then a number from 1 (no regex: the gateway holds no pattern logic).</summary>
    private static bool LooksLikePlaceholder(string text)
    {
        var underscore = text.LastIndexOf('_');
        if (text.Length > 80 || underscore < 2 || text[0] != '<' || text[^1] != '>' || !char.IsAsciiLetter(text[1])) return false;
        var number = text.AsSpan(underscore + 1, text.Length - underscore - 2);
        return number.Length is > 0 and <= 10 && number[0] != '0' && !number.ContainsAnyExceptInRange('0', '9')
            && text.AsSpan(1, underscore - 1).IndexOfAnyExcept(TypeChars) < 0;
    }

    private static readonly System.Buffers.SearchValues<char> TypeChars = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
}

/// <summary>Hands each request its key's shared vault, or null (a vault of the request alone) without Redis.</summary>
public sealed class SharedPseudonymVaults(RedisStore? store, GatewayOptions options)
{
    private readonly VaultCipher? _cipher = store is not null && options.Redis?.VaultKey is { } key ? new VaultCipher(key) : null;

    public IPseudonymStore? For(VirtualKey? key) => _cipher is not null && key is not null ? new RedisPseudonymStore(store!, _cipher, key.Id) : null;
}
