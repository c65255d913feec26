using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace Bulwark.Gateway.Keys;

/// <summary>
/// Creates, finds and revokes virtual keys. A key is <c>bwk-</c> + 32 random bytes (base64url); only its SHA-256 is
/// stored. A fast hash is right here: the key has 256 bits of entropy, so there is no dictionary to slow down.
/// </summary>
public sealed class KeyStore(GatewayDatabase database, TimeProvider time)
{
    public const string Prefix = "bwk-";

    public CreatedKey Create(string team, IReadOnlyList<string> models, int? requestsPerMinute, int? tokensPerMinute)
    {
        var secret = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var key = new VirtualKey("key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), team, models, requestsPerMinute, tokensPerMinute, time.GetUtcNow(), null);
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO virtual_keys (id, key_hash, team, models, rpm, tpm, created_ms) VALUES ($id, $hash, $team, $models, $rpm, $tpm, $created)";
        command.Parameters.AddWithValue("$id", key.Id);
        command.Parameters.AddWithValue("$hash", Hash(secret));
        command.Parameters.AddWithValue("$team", team);
        command.Parameters.AddWithValue("$models", string.Join(',', models));
        command.Parameters.AddWithValue("$rpm", (object?)requestsPerMinute ?? DBNull.Value);
        command.Parameters.AddWithValue("$tpm", (object?)tokensPerMinute ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", key.Created.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
        return new CreatedKey(key, secret);
    }

    /// <summary>The active key whose secret was presented, or null. The stored hash is compared in constant time.</summary>
    public VirtualKey? Find(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 128) return null;
        var hash = Hash(presented);
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, team, models, rpm, tpm, created_ms, revoked_ms, key_hash FROM virtual_keys WHERE key_hash = $hash AND revoked_ms IS NULL";
        command.Parameters.AddWithValue("$hash", hash);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var stored = (byte[])reader.GetValue(7);
        return CryptographicOperations.FixedTimeEquals(stored, hash) ? Read(reader) : null;
    }

    public IReadOnlyList<VirtualKey> List(bool includeRevoked = false)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, team, models, rpm, tpm, created_ms, revoked_ms FROM virtual_keys"
            + (includeRevoked ? "" : " WHERE revoked_ms IS NULL") + " ORDER BY created_ms, id";
        using var reader = command.ExecuteReader();
        var keys = new List<VirtualKey>();
        while (reader.Read()) keys.Add(Read(reader));
        return keys;
    }

    /// <summary>Revokes a key by id; false when no active key has that id.</summary>
    public bool Revoke(string id)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE virtual_keys SET revoked_ms = $now WHERE id = $id AND revoked_ms IS NULL";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return command.ExecuteNonQuery() == 1;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static VirtualKey Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries),
        reader.IsDBNull(3) ? null : reader.GetInt32(3),
        reader.IsDBNull(4) ? null : reader.GetInt32(4),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)));
}
