using System.Security.Cryptography;
using Bulwark.Kernel;

namespace Bulwark.Models.Signing;

/// <summary>How a file differs from the signed manifest.</summary>
public enum FileChangeKind
{
    /// <summary>In the manifest and on disk, with another digest.</summary>
    Changed,

    /// <summary>On disk, not in the manifest.</summary>
    Added,

    /// <summary>In the manifest, missing on disk.</summary>
    Removed,

    /// <summary>On disk but not hashable: a refused symlink, an unreadable file.</summary>
    Unverifiable,
}

/// <summary>One file that fails verification.</summary>
/// <param name="Expected">The signed digest (changed, removed).</param>
/// <param name="Actual">The digest on disk (changed, added).</param>
public sealed record FileChange(string Name, FileChangeKind Kind, string? Expected = null, string? Actual = null, string? Detail = null);

/// <summary>The outcome of <see cref="ModelSigning.Verify"/>.</summary>
/// <param name="SignatureFile">The signature file's path as given (messages name it).</param>
/// <param name="SignatureError">Why the signature itself failed (missing, malformed, wrong key, tampered); null when it verified.</param>
/// <param name="Manifest">The signed manifest, once the signature verified.</param>
public sealed record VerificationResult(string SignatureFile, string? SignatureError, ModelManifest? Manifest, IReadOnlyList<FileChange> Changes)
{
    public bool Verified => SignatureError is null && Changes.Count == 0;

    /// <summary>Files checked against the manifest (0 when the signature did not verify).</summary>
    public int FileCount => Manifest?.Resources.Count ?? 0;
}

/// <summary>Options of <c>bulwark model sign</c> and <c>verify</c>.</summary>
public sealed record SigningOptions
{
    /// <summary>Where the signature goes; default <c>DIR/model.sig</c>. Inside the directory it is left out of the manifest.</summary>
    public string? SignaturePath { get; init; }

    public ManifestOptions Manifest { get; init; } = new();

    public string SignatureFor(string modelDirectory) => SignaturePath ?? Path.Combine(modelDirectory, ManifestOptions.DefaultSignatureName);
}

/// <summary>
/// Signs a model directory (every file's SHA-256 in an OpenSSF model-signing v1.0 statement, DSSE envelope, Sigstore
/// bundle, ECDSA key) and verifies it: any changed, added or removed file fails, by name.
/// </summary>
public static class ModelSigning
{
    /// <summary>Hashes the directory, signs the statement and writes the bundle. Unhashable files are an input error.</summary>
    public static ModelManifest Sign(string modelDirectory, ECDsa privateKey, SigningOptions options, CancellationToken cancellationToken = default)
    {
        var signaturePath = options.SignatureFor(modelDirectory);
        var ignores = ManifestIgnores(modelDirectory, signaturePath, options.Manifest);
        var (manifest, problems) = ModelManifestBuilder.Build(modelDirectory, ignores, options.Manifest.AllowSymlinks, signaturePath, options.Manifest.Parallelism, cancellationToken);
        if (problems.Count > 0)
        {
            throw new BulwarkInputException("cannot sign: " + string.Join("; ", problems.Select(p => $"'{p.Name}' {p.Reason}")) +
                (problems.Any(p => p.Reason.Contains("refused unless allowed", StringComparison.Ordinal)) ? " (--allow-symlinks follows links to files inside the model)" : ""));
        }
        var payload = SignatureBundleFormat.Statement(manifest);
        var signature = privateKey.SignData(Dsse.Pae(Dsse.InTotoPayloadType, payload), SigningKeys.HashFor(privateKey), DSASignatureFormat.Rfc3279DerSequence);
        var bundle = new SignatureBundle(SigningKeys.KeyHint(privateKey), Dsse.InTotoPayloadType, payload, signature, KeyId: null);
        var bytes = SignatureBundleFormat.Write(bundle);
        AtomicFile.Write(signaturePath, stream => stream.Write(bytes));
        return manifest;
    }

    /// <summary>
    /// Checks the signature with <paramref name="publicKey"/>, then rehashes the directory the way the signed manifest
    /// says (its ignore paths and symlink rule, plus <see cref="ManifestOptions.Ignore"/> when the verifier adds some).
    /// Problems with the model or the signature are in the result; only unusable input (no such directory) throws.
    /// </summary>
    public static VerificationResult Verify(string modelDirectory, ECDsa publicKey, SigningOptions options, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(modelDirectory)) throw new BulwarkInputException($"model directory '{modelDirectory}' does not exist");
        var signaturePath = options.SignatureFor(modelDirectory);
        var signatureName = Path.GetFileName(signaturePath);
        byte[] bytes;
        try
        {
            var info = new FileInfo(signaturePath);
            if (!info.Exists) return Failed($"{signatureName}: no signature at '{signaturePath}' (the model is not signed, or the signature was removed)");
            if (info.Length > SignatureBundleFormat.MaxSignatureBytes) return Failed($"{signatureName}: {info.Length:N0} bytes, too large for a signature");
            bytes = File.ReadAllBytes(signaturePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed($"{signatureName}: cannot read: {e.Message}");
        }

        SignatureBundle bundle;
        try
        {
            bundle = SignatureBundleFormat.Read(bytes);
        }
        catch (SignatureFormatException e)
        {
            return Failed($"{signatureName}: malformed or modified signature: {e.Message}");
        }
        var hint = SigningKeys.KeyHint(publicKey);
        if (bundle.KeyHint is not null && bundle.KeyHint != hint)
        {
            return Failed($"{signatureName}: signed by another key (key hint {Short(bundle.KeyHint)}, the given public key is {Short(hint)})");
        }
        if (!string.IsNullOrEmpty(bundle.KeyId) && bundle.KeyId != hint)
        {
            return Failed($"{signatureName}: the signature's keyid '{bundle.KeyId}' is not the given key's");
        }
        if (bundle.PayloadType != Dsse.InTotoPayloadType)
        {
            return Failed($"{signatureName}: payload type '{bundle.PayloadType}' is not {Dsse.InTotoPayloadType}");
        }
        bool valid;
        try
        {
            valid = publicKey.VerifyData(Dsse.Pae(bundle.PayloadType, bundle.Payload), bundle.Signature, SigningKeys.HashFor(publicKey), DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            valid = false;
        }
        if (!valid)
        {
            return Failed($"{signatureName}: the signature does not verify with the given public key (wrong key, or the signature or its payload was modified)");
        }

        ModelManifest signed;
        try
        {
            signed = SignatureBundleFormat.ReadStatement(bundle.Payload);
        }
        catch (SignatureFormatException e)
        {
            return Failed($"{signatureName}: {e.Message}");
        }

        IReadOnlyList<string> ignores;
        try
        {
            ignores = ModelManifestBuilder.NormalizeIgnores(modelDirectory, signed.Serialization.IgnorePaths.Concat(options.Manifest.Ignore));
        }
        catch (BulwarkInputException e)
        {
            return Failed($"{signatureName}: {e.Message}");
        }
        var (actual, problems) = ModelManifestBuilder.Build(modelDirectory, ignores, signed.Serialization.AllowSymlinks, signaturePath, options.Manifest.Parallelism, cancellationToken);
        return new VerificationResult(signaturePath, null, signed, Compare(signed, actual, problems));

        VerificationResult Failed(string error) => new(signaturePath, error, null, []);
    }

    /// <summary>Every difference, sorted by name: changed, added and removed files, and files that could not be hashed.</summary>
    public static IReadOnlyList<FileChange> Compare(ModelManifest expectedManifest, ModelManifest actual, IReadOnlyList<ManifestProblem> problems)
    {
        var expected = expectedManifest.Resources.ToDictionary(r => r.Name, r => r.Sha256, StringComparer.Ordinal);
        var changes = new List<FileChange>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in actual.Resources)
        {
            seen.Add(file.Name);
            if (!expected.TryGetValue(file.Name, out var digest)) changes.Add(new FileChange(file.Name, FileChangeKind.Added, Actual: file.Sha256));
            else if (digest != file.Sha256) changes.Add(new FileChange(file.Name, FileChangeKind.Changed, digest, file.Sha256));
        }
        foreach (var problem in problems)
        {
            seen.Add(problem.Name);
            changes.Add(new FileChange(problem.Name, FileChangeKind.Unverifiable, expected.GetValueOrDefault(problem.Name), Detail: problem.Reason));
        }
        foreach (var resource in expectedManifest.Resources.Where(r => !seen.Contains(r.Name)))
        {
            changes.Add(new FileChange(resource.Name, FileChangeKind.Removed, resource.Sha256));
        }
        changes.Sort((a, b) => ModelManifestBuilder.CompareNames(a.Name, b.Name));
        return changes;
    }

    /// <summary>The ignore list recorded at signing: the defaults, the user's, and the signature file when it is inside the model.</summary>
    private static IReadOnlyList<string> ManifestIgnores(string modelDirectory, string signaturePath, ManifestOptions options)
    {
        var ignores = new List<string>(options.Ignore);
        if (options.UseDefaultIgnores) ignores.AddRange(ManifestOptions.DefaultIgnores);
        var relative = Path.GetRelativePath(Path.GetFullPath(modelDirectory), Path.GetFullPath(signaturePath));
        if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative)) ignores.Add(relative);
        return ModelManifestBuilder.NormalizeIgnores(modelDirectory, ignores);
    }

    private static string Short(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;
}
