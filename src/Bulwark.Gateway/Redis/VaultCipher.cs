using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Gateway.Redis;

/// <summary>
/// What keeps the shared vault's plaintext out of Redis: values are looked up by HMAC-SHA256 (scope, type and value
/// keyed, so equal values under two keys do not link), and originals are sealed with AES-256-GCM with the scope and
/// placeholder as associated data (a sealed value moved to another placeholder or key does not open). Both keys are
/// derived from <c>redis.vault-key</c>, which every instance shares.
/// </summary>
public sealed class VaultCipher
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _sealKey;
    private readonly byte[] _lookupKey;

    public VaultCipher(byte[] vaultKey)
    {
        _sealKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, vaultKey, 32, info: "bulwark vault seal"u8.ToArray());
        _lookupKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, vaultKey, 32, info: "bulwark vault lookup"u8.ToArray());
    }

    /// <summary>The value's lookup field: hex HMAC of scope, type and value (NUL-separated, so the parts cannot run together).</summary>
    public string Lookup(string scope, string entityType, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes($"{scope}\0{entityType}\0{value}")));

    public byte[] Seal(string scope, string placeholder, string original)
    {
        var plain = Encoding.UTF8.GetBytes(original);
        var output = new byte[NonceBytes + TagBytes + plain.Length];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceBytes));
        using var aes = new AesGcm(_sealKey, TagBytes);
        aes.Encrypt(output.AsSpan(0, NonceBytes), plain, output.AsSpan(NonceBytes + TagBytes), output.AsSpan(NonceBytes, TagBytes), Bound(scope, placeholder));
        CryptographicOperations.ZeroMemory(plain);
        return output;
    }

    /// <summary>The original, or null when the sealed bytes are not this placeholder's (altered, moved, or another key).</summary>
    public string? Open(string scope, string placeholder, byte[] sealedValue)
    {
        if (sealedValue.Length < NonceBytes + TagBytes) return null;
        var plain = new byte[sealedValue.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_sealKey, TagBytes);
            aes.Decrypt(sealedValue.AsSpan(0, NonceBytes), sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes), plain, Bound(scope, placeholder));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] Bound(string scope, string placeholder) => Encoding.UTF8.GetBytes($"{scope}\0{placeholder}");
}
