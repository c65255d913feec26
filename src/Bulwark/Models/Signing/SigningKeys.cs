using System.Security.Cryptography;
using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Models.Signing;

/// <summary>
/// ECDSA keys in PEM: SPKI public keys (<c>PUBLIC KEY</c>), PKCS#8 private keys (<c>PRIVATE KEY</c>, or
/// <c>ENCRYPTED PRIVATE KEY</c> with a password) and SEC1 (<c>EC PRIVATE KEY</c>) as OpenSSL writes them.
/// P-256 is the default; P-384 and P-521 are accepted, as model-signing and Sigstore accept them.
/// </summary>
public static class SigningKeys
{
    private static readonly Dictionary<string, HashAlgorithmName> Curves = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.3.1.7"] = HashAlgorithmName.SHA256, // P-256
        ["1.3.132.0.34"] = HashAlgorithmName.SHA384, // P-384
        ["1.3.132.0.35"] = HashAlgorithmName.SHA512, // P-521
    };

    /// <summary>Largest key file read (a PEM key is a few hundred bytes).</summary>
    private const long MaxKeyFileBytes = 64 * 1024;

    public static ECDsa Generate() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>PKCS#8 PEM; encrypted (PBES2, AES-256-CBC, PBKDF2-SHA256) when a password is given.</summary>
    public static string ExportPrivateKeyPem(ECDsa key, string? password = null) =>
        (string.IsNullOrEmpty(password)
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 200_000))) + "\n";

    /// <summary>SPKI PEM with 64-column lines and a final newline: the bytes OpenSSL and Python's cryptography write.</summary>
    public static string ExportPublicKeyPem(ECDsa key) => key.ExportSubjectPublicKeyInfoPem() + "\n";

    /// <summary>The key hint model-signing records in the bundle: SHA-256 (hex) of the public key's PEM.</summary>
    public static string KeyHint(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(ExportPublicKeyPem(key))));

    /// <summary>The digest ECDSA uses with this key's curve (SHA-256 for P-256).</summary>
    public static HashAlgorithmName HashFor(ECDsa key)
    {
        var oid = key.ExportParameters(false).Curve.Oid?.Value;
        return oid is not null && Curves.TryGetValue(oid, out var hash)
            ? hash
            : throw new BulwarkInputException($"unsupported elliptic curve '{key.ExportParameters(false).Curve.Oid?.FriendlyName ?? oid ?? "explicit"}' (use P-256, P-384 or P-521)");
    }

    /// <summary>
    /// Writes <c>PREFIX.key</c> (PKCS#8 PEM, owner read/write only on Unix) and <c>PREFIX.pub</c> (SPKI PEM);
    /// refuses to replace existing files unless <paramref name="overwrite"/>. Returns both paths.
    /// </summary>
    public static (string PrivatePath, string PublicPath) WriteKeyPair(string prefix, ECDsa key, string? password, bool overwrite)
    {
        var privatePath = prefix + ".key";
        var publicPath = prefix + ".pub";
        foreach (var path in new[] { privatePath, publicPath })
        {
            if (File.Exists(path) && !overwrite) throw new BulwarkInputException($"'{path}' exists; pass --force to replace it");
        }
        try
        {
            File.Delete(privatePath);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(privatePath, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(ExportPrivateKeyPem(key, password)));
            }
            AtomicFile.WriteAllText(publicPath, ExportPublicKeyPem(key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot write the key pair '{prefix}.key/.pub': {e.Message}", e);
        }
        return (privatePath, publicPath);
    }

    public static ECDsa LoadPrivateKeyFile(string path, string? password) => LoadPrivateKey(ReadKeyFile(path), path, password);

    public static ECDsa LoadPublicKeyFile(string path) => LoadPublicKey(ReadKeyFile(path), path);

    /// <param name="source">The file name, for messages.</param>
    public static ECDsa LoadPrivateKey(string pem, string source, string? password)
    {
        var label = PemLabel(pem, source);
        if (label is "PUBLIC KEY") throw new BulwarkInputException($"'{source}' is a public key; signing needs the private key");
        if (label is not ("PRIVATE KEY" or "ENCRYPTED PRIVATE KEY" or "EC PRIVATE KEY"))
        {
            throw new BulwarkInputException($"'{source}' holds a PEM '{label}', not a private key");
        }
        if (label == "ENCRYPTED PRIVATE KEY" && string.IsNullOrEmpty(password))
        {
            throw new BulwarkInputException($"'{source}' is encrypted: give its password (--password-env VARIABLE)");
        }
        var key = ECDsa.Create();
        try
        {
            if (label == "ENCRYPTED PRIVATE KEY") key.ImportFromEncryptedPem(pem, password);
            else key.ImportFromPem(pem);
            HashFor(key);
            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            var why = label == "ENCRYPTED PRIVATE KEY" ? "wrong password, or not an ECDSA key" : "not an ECDSA (elliptic curve) key";
            throw new BulwarkInputException($"'{source}' cannot be loaded: {why} ({e.Message})", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public static ECDsa LoadPublicKey(string pem, string source)
    {
        var label = PemLabel(pem, source);
        if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new BulwarkInputException($"'{source}' is a private key; verification takes the public key (the .pub file)");
        }
        if (label != "PUBLIC KEY") throw new BulwarkInputException($"'{source}' holds a PEM '{label}', not a public key");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            HashFor(key);
            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new BulwarkInputException($"'{source}' is not an ECDSA (elliptic curve) public key ({e.Message})", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static string PemLabel(string pem, string source)
    {
        if (!PemEncoding.TryFind(pem, out var fields)) throw new BulwarkInputException($"'{source}' is not a PEM key file");
        return pem[fields.Label].ToString();
    }

    private static string ReadKeyFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new BulwarkInputException($"key file '{path}' does not exist");
            if (info.Length > MaxKeyFileBytes) throw new BulwarkInputException($"'{path}' is {info.Length:N0} bytes: not a PEM key");
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot read key file '{path}': {e.Message}", e);
        }
    }
}
