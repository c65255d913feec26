using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Gateway.Audit;

/// <summary>
/// Seals the client's prompt into an audit record's excerpt (<c>audit.prompt-excerpt: full-encrypted</c>) and opens it
/// again for a reader holding the key. AES-256-GCM with a random 96-bit nonce per record; the associated data binds
/// the ciphertext to its row (request id, time, virtual key id), so a ciphertext moved to another row, or an altered
/// one, does not open. The excerpt names the key by a fingerprint, so keys can rotate: a reader given several keys
/// picks the one each record was sealed with.
/// </summary>
/// <remarks>
/// Format: <c>aesgcm:v1:KEYID:BASE64URL(nonce ‖ tag ‖ ciphertext)</c>, self-describing like the <c>sha256:</c> of hashed
/// excerpts. The key given in the config is a master key: the AES key is derived from it (HKDF-SHA256, its own purpose
/// label), so the same 32 bytes used elsewhere in Bulwark never encrypt under the same AES key.
/// </remarks>
public sealed class AuditPromptCipher
{
    public const string Prefix = "aesgcm:v1:";
    public const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[] _key;

    private AuditPromptCipher(ReadOnlySpan<byte> master)
    {
        _key = new byte[KeyBytes];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, _key, salt: [], info: "bulwark/audit/prompt/v1"u8);
        // Not secret: a hash of the master key under its own label tells readers which key sealed a record.
        using var fingerprint = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        fingerprint.AppendData("bulwark/audit/key-id/v1:"u8);
        fingerprint.AppendData(master);
        KeyId = Convert.ToHexStringLower(fingerprint.GetHashAndReset().AsSpan(0, 8));
    }

    /// <summary>The key's public fingerprint (16 hex digits), written into every excerpt it seals.</summary>
    public string KeyId { get; }

    /// <summary>A cipher from the base64 text of a 32-byte key, or null when the text is anything else.</summary>
    public static AuditPromptCipher? FromBase64(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var buffer = new byte[KeyBytes + 3];
        if (!Convert.TryFromBase64String(text.Trim(), buffer, out var written) || written != KeyBytes) return null;
        var cipher = new AuditPromptCipher(buffer.AsSpan(0, KeyBytes));
        CryptographicOperations.ZeroMemory(buffer);
        return cipher;
    }

    public static bool IsSealed(string? excerpt) => excerpt?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>The id of the key that sealed <paramref name="excerpt"/>, or null when it is not a sealed excerpt.</summary>
    public static string? SealedWith(string? excerpt) => Parse(excerpt) is { } parsed ? parsed.KeyId : null;

    public string Seal(AuditRecord record, string prompt)
    {
        var plain = Encoding.UTF8.GetBytes(prompt);
        var blob = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = blob.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagBytes))
        {
            aes.Encrypt(nonce, plain, blob.AsSpan(NonceBytes + TagBytes), blob.AsSpan(NonceBytes, TagBytes), AssociatedData(KeyId, record));
        }
        CryptographicOperations.ZeroMemory(plain);
        return Prefix + KeyId + ":" + Base64Url.EncodeToString(blob);
    }

    /// <summary>
    /// The prompt sealed in <paramref name="record"/>'s excerpt. False when the excerpt is not sealed with this key, or
    /// does not authenticate: the wrong key, an altered ciphertext, or a ciphertext copied from another row.
    /// </summary>
    public bool TryOpen(AuditRecord record, out string prompt)
    {
        prompt = "";
        if (Parse(record.Excerpt) is not { } parsed || parsed.KeyId != KeyId || parsed.Blob.Length < NonceBytes + TagBytes) return false;
        var blob = parsed.Blob;
        var plain = new byte[blob.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(blob.AsSpan(0, NonceBytes), blob.AsSpan(NonceBytes + TagBytes), blob.AsSpan(NonceBytes, TagBytes), plain, AssociatedData(KeyId, record));
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
        prompt = Encoding.UTF8.GetString(plain);
        CryptographicOperations.ZeroMemory(plain);
        return true;
    }

    /// <summary>Keeps the key out of anything that prints the options.</summary>
    public override string ToString() => $"AES-256-GCM audit key {KeyId}";

    // The row's identity: what a ciphertext must not be moved away from. Every part is stored in the row itself.
    private static byte[] AssociatedData(string keyId, AuditRecord record) => Encoding.UTF8.GetBytes(string.Join('\n',
        "bulwark-audit-prompt/v1", keyId, record.RequestId, record.Time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), record.KeyId ?? ""));

    private static (string KeyId, byte[] Blob)? Parse(string? excerpt)
    {
        if (!IsSealed(excerpt)) return null;
        var rest = excerpt.AsSpan(Prefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0) return null;
        try
        {
            return (rest[..colon].ToString(), Base64Url.DecodeFromChars(rest[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
