using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Data.Anonymization;

/// <summary>
/// Turns one detected value into what replaces it. Operators never emit the value itself; the reversible ones
/// (encrypt, pseudonymise) can be undone by <see cref="Anonymizer.Restore"/> with the same key or vault.
/// </summary>
public interface IAnonymizationOperator
{
    string Name { get; }

    bool Reversible { get; }

    string Apply(string value, string entityType);
}

/// <summary><c>&lt;EMAIL_ADDRESS&gt;</c>: the type tag, as Presidio's replace operator writes it.</summary>
public sealed class ReplaceOperator : IAnonymizationOperator
{
    public string Name => "replace";
    public bool Reversible => false;
    public string Apply(string value, string entityType) => $"<{entityType}>";
}

/// <summary>Removes the value altogether.</summary>
public sealed class RedactOperator : IAnonymizationOperator
{
    public string Name => "redact";
    public bool Reversible => false;
    public string Apply(string value, string entityType) => "";
}

/// <summary>
/// <c>************1234</c>: masks all but the last <paramref name="keepLast"/> letters and digits (separators stay,
/// so a card number still reads as one). A value too short to keep anything hidden is masked whole.
/// </summary>
public sealed class MaskOperator(char mask = '*', int keepLast = 4) : IAnonymizationOperator
{
    public string Name => "mask";
    public bool Reversible => false;

    public string Apply(string value, string entityType)
    {
        var significant = value.Count(char.IsLetterOrDigit);
        var keep = significant > keepLast * 2 ? keepLast : 0;
        var output = new StringBuilder(value.Length);
        var seen = 0;
        foreach (var c in value)
        {
            if (!char.IsLetterOrDigit(c)) { output.Append(c); continue; }
            output.Append(seen++ >= significant - keep ? c : mask);
        }
        return output.ToString();
    }
}

/// <summary>
/// <c>&lt;US_SSN:hmac:5f1c…&gt;</c>: a keyed HMAC-SHA256 (first 16 hex digits), the same for the same value and key, so
/// records still join. Keyed because plain hashes of PII fall to a dictionary of every phone number or SSN.
/// </summary>
public sealed class HashOperator(AnonymizationKey key) : IAnonymizationOperator
{
    private readonly byte[] _key = key.Derive("hmac");

    public string Name => "hash";
    public bool Reversible => false;

    public string Apply(string value, string entityType) =>
        $"<{entityType}:hmac:{Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value)).AsSpan(0, 8))}>";
}

/// <summary>
/// <c>enc:v1:IBAN_CODE:…</c>: AES-256-GCM with a fresh nonce, the entity type bound in as associated data, base64url.
/// Authenticated, so a tampered token fails to decrypt instead of yielding garbage.
/// </summary>
public sealed class EncryptOperator(AnonymizationKey key) : IAnonymizationOperator
{
    public const string Prefix = "enc:v1:";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key = key.Derive("aes-gcm");

    public string Name => "encrypt";
    public bool Reversible => true;

    public string Apply(string value, string entityType)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.ASCII.GetBytes(entityType));
        return Prefix + entityType + ":" + Base64Url.Encode(sealedBytes);
    }

    /// <summary>The value inside a token, or null when the token is not ours, was altered, or the key differs.</summary>
    public string? Decrypt(string entityType, string payload)
    {
        var sealedBytes = Base64Url.TryDecode(payload);
        if (sealedBytes is null || sealedBytes.Length < NonceBytes + TagBytes) return null;
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, Encoding.ASCII.GetBytes(entityType));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}

/// <summary><c>&lt;PERSON_1&gt;</c>: the same value gets the same placeholder within the vault's scope; the vault restores it.</summary>
public sealed class PseudonymizeOperator(PseudonymVault vault) : IAnonymizationOperator
{
    public string Name => "pseudonymize";
    public bool Reversible => true;
    public PseudonymVault Vault => vault;
    public string Apply(string value, string entityType) => vault.PlaceholderFor(entityType, value);
}

internal static class Base64Url
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[]? TryDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }

    public static bool IsChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
