using System.Security.Cryptography;
using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Data.Anonymization;

/// <summary>
/// The secret behind the keyed operators: 32 bytes from a file (raw, or base64 text) or an environment variable.
/// Each use gets its own subkey (HKDF-SHA256), so the hash key, the encryption key and the vault key never coincide.
/// </summary>
public sealed class AnonymizationKey
{
    public const int Bytes = 32;
    public const string EnvironmentVariable = "BULWARK_ANON_KEY";

    private readonly byte[] _master;

    private AnonymizationKey(byte[] master) => _master = master;

    public static AnonymizationKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Bytes) throw new BulwarkInputException($"an anonymisation key must be {Bytes} bytes (got {key.Length})");
        return new AnonymizationKey(key.ToArray());
    }

    public static AnonymizationKey Generate() => new(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>The key as base64 text, for writing a new key file.</summary>
    public string ToBase64() => Convert.ToBase64String(_master);

    public static AnonymizationKey FromFile(string path)
    {
        byte[] content;
        try
        {
            if (new FileInfo(path) is { Exists: true, Length: > 1024 }) throw new BulwarkInputException($"key file '{path}' is too large to be a key");
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot read key file '{path}': {e.Message}", e);
        }
        return content.Length == Bytes ? FromBytes(content) : FromText(Encoding.ASCII.GetString(content).Trim(), $"key file '{path}'");
    }

    /// <summary>The key in <see cref="EnvironmentVariable"/>, or null when it is not set.</summary>
    public static AnonymizationKey? FromEnvironment() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } text ? FromText(text.Trim(), EnvironmentVariable) : null;

    private static AnonymizationKey FromText(string text, string where)
    {
        var buffer = new byte[Bytes + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written) || written != Bytes)
            throw new BulwarkInputException($"{where} must hold {Bytes} raw bytes or their base64 encoding");
        return FromBytes(buffer.AsSpan(0, written));
    }

    /// <summary>A subkey for one purpose ("hmac", "aes-gcm", "vault").</summary>
    internal byte[] Derive(string purpose) => HKDF.DeriveKey(HashAlgorithmName.SHA256, _master, Bytes, info: Encoding.ASCII.GetBytes("bulwark/anonymization/" + purpose));
}
