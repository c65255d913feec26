using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using System.Data.Common;

namespace Bulwark.Gateway.Keys;

/// <summary>
/// Creates, finds, changes and revokes virtual keys. A key is <c>bwk-</c> + 32 random bytes (base64url); only its
/// SHA-256 is stored. A fast hash is right here: the key has 256 bits of entropy, so there is no dictionary to slow
/// down. Keys are read with their team's row (one query). Found keys are cached for <see cref="CacheFor"/>: a change
/// made through this process (admin API, tests) applies from the next request; one made by another process (the
/// <c>bulwark keys</c> CLI beside a running gateway) within a second.
/// </summary>
/// <remarks>
/// While the database is unreachable, a lookup fails closed (<see cref="StoreUnavailableException"/>: 503) unless
/// <paramref name="onFailure"/> is <see cref="StoreFailureMode.Open"/>; then a key found before the outage is served
/// from the cache, however old, and an unknown one is still refused.
/// </remarks>
public sealed class KeyStore(GatewayDatabase database, TimeProvider time, StoreFailureMode onFailure = StoreFailureMode.Closed)
{
    public const string Prefix = "bwk-";

    /// <summary>A database read per request cost more than the rest of the key check; a second bounds staleness.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private const int MaxCached = 10_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);

    private const string Columns = "k.id, k.team, k.models, k.rpm, k.tpm, k.created_ms, k.revoked_ms, k.budget_tokens_per_day, k.guard_policy, "
        + "t.name, t.models, t.rpm, t.tpm, t.budget_tokens_per_day, t.guard_policy, t.created_ms";

    private const string FromKeysAndTeams = " FROM virtual_keys k LEFT JOIN teams t ON t.name = k.team";

    public CreatedKey Create(string team, IReadOnlyList<string> models, int? requestsPerMinute, int? tokensPerMinute, long? budgetTokensPerDay = null, string? guardPolicy = null)
    {
        var secret = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = new VirtualKey("key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), team, models, requestsPerMinute, tokensPerMinute, time.GetUtcNow(), null,
            budgetTokensPerDay, guardPolicy);
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO virtual_keys (id, key_hash, team, models, rpm, tpm, budget_tokens_per_day, guard_policy, created_ms) "
            + "VALUES (@id, @hash, @team, @models, @rpm, @tpm, @budget, @policy, @created)";
        command.AddParameter("@hash", Hash(secret));
        command.AddParameter("@created", key.Created.ToUnixTimeMilliseconds());
        AddSettings(command, key);
        command.ExecuteNonQuery();
        return new CreatedKey(key, secret);
    }

    /// <summary>
    /// The active key whose secret was presented, or null. The lookup goes through the unique index on the hash; the
    /// stored hash is then compared in constant time. Timing can reveal at most how a SHA-256 of the guess compares
    /// with stored hashes, which says nothing about any key's secret (finding a preimage is the hard part).
    /// </summary>
    public VirtualKey? Find(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 128) return null;
        var hash = Hash(presented);
        // Keyed by the hash, like the database index: timing shows nothing about a secret (see above).
        var cacheKey = Convert.ToHexString(hash);
        var now = Environment.TickCount64;
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.Generation == database.AccessGeneration && now < cached.Until) return cached.Key;
        var generation = database.AccessGeneration;
        VirtualKey? found;
        try
        {
            found = Lookup(hash);
        }
        catch (DbException e)
        {
            if (onFailure == StoreFailureMode.Open && cached is not null) return cached.Key;
            throw new StoreUnavailableException("the key store", e);
        }
        if (found is null) _cache.TryRemove(cacheKey, out _);
        else
        {
            if (_cache.Count >= MaxCached) _cache.Clear(); // only real keys are cached, but bound it all the same
            _cache[cacheKey] = new CachedKey(found, generation, now + (long)CacheFor.TotalMilliseconds);
        }
        return found;
    }

    private VirtualKey? Lookup(byte[] hash)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + Columns + ", k.key_hash" + FromKeysAndTeams + " WHERE k.key_hash = @hash AND k.revoked_ms IS NULL";
        command.AddParameter("@hash", hash);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var stored = (byte[])reader.GetValue(16);
        return CryptographicOperations.FixedTimeEquals(stored, hash) ? Read(reader) : null;
    }

    /// <summary>A key by id, revoked or not, or null.</summary>
    public VirtualKey? Get(string id)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + Columns + FromKeysAndTeams + " WHERE k.id = @id";
        command.AddParameter("@id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    public IReadOnlyList<VirtualKey> List(bool includeRevoked = false)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT " + Columns + FromKeysAndTeams + (includeRevoked ? "" : " WHERE k.revoked_ms IS NULL") + " ORDER BY k.created_ms, k.id";
        using var reader = command.ExecuteReader();
        var keys = new List<VirtualKey>();
        while (reader.Read()) keys.Add(Read(reader));
        return keys;
    }

    /// <summary>Stores an active key's team, models, limits and guard policy (as <paramref name="key"/> has them); false when no active key has its id.</summary>
    public bool Update(VirtualKey key)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE virtual_keys SET team = @team, models = @models, rpm = @rpm, tpm = @tpm, budget_tokens_per_day = @budget, guard_policy = @policy "
            + "WHERE id = @id AND revoked_ms IS NULL";
        AddSettings(command, key);
        return database.ExecuteAccessChange(command) == 1;
    }

    /// <summary>Revokes a key by id; false when no active key has that id.</summary>
    public bool Revoke(string id)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE virtual_keys SET revoked_ms = @now WHERE id = @id AND revoked_ms IS NULL";
        command.AddParameter("@id", id);
        command.AddParameter("@now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return database.ExecuteAccessChange(command) == 1;
    }

    private static void AddSettings(DbCommand command, VirtualKey key)
    {
        command.AddParameter("@id", key.Id);
        command.AddParameter("@team", key.Team);
        command.AddParameter("@models", string.Join(',', key.Models));
        command.AddParameter("@rpm", key.RequestsPerMinute);
        command.AddParameter("@tpm", key.TokensPerMinute);
        command.AddParameter("@budget", key.BudgetTokensPerDay);
        command.AddParameter("@policy", key.GuardPolicy);
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static VirtualKey Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        TeamStore.SplitModels(reader.GetString(2)),
        reader.NullableWhole(3),
        reader.NullableWhole(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.Number(5)),
        reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.Number(6)),
        reader.NullableNumber(7),
        reader.NullableString(8),
        reader.IsDBNull(9) ? null : TeamStore.Read(reader, 9));

    private sealed record CachedKey(VirtualKey Key, int Generation, long Until);
}
