using System.Security.Cryptography;
using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Models.Signing;

/// <summary>One file of a model: its path relative to the model directory (<c>/</c> separators) and SHA-256 (lowercase hex).</summary>
public sealed record ManifestEntry(string Name, string Sha256);

/// <summary>
/// What was hashed and how: the OpenSSF model-signing v1.0 "files" serialization. Recorded in the signed predicate so
/// a verifier hashes the directory the same way.
/// </summary>
/// <param name="IgnorePaths">Paths relative to the model directory (a file, or a folder and everything under it).</param>
/// <param name="AllowSymlinks">Whether symbolic links to files inside the model directory are hashed (as their target's
/// content). Links that leave the directory, dangling links and links to folders are refused either way.</param>
public sealed record ManifestSerialization(IReadOnlyList<string> IgnorePaths, bool AllowSymlinks);

/// <summary>A model's files and digests, sorted by name (ordinal on UTF-8 bytes, the order model-signing uses).</summary>
public sealed record ModelManifest(string ModelName, IReadOnlyList<ManifestEntry> Resources, ManifestSerialization Serialization)
{
    /// <summary>The subject digest: SHA-256 over the raw resource digests, in order (model-signing's "root digest").</summary>
    public string RootDigest => RootDigestOf(Resources);

    internal static string RootDigestOf(IEnumerable<ManifestEntry> resources)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var resource in resources) hash.AppendData(Convert.FromHexString(resource.Sha256));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>Something in the model directory that cannot be hashed as a plain file (a refused symlink, an unreadable file).</summary>
public sealed record ManifestProblem(string Name, string Reason);

/// <summary>Options for hashing a model directory.</summary>
public sealed record ManifestOptions
{
    /// <summary>The default signature file name, inside the model directory (OpenSSF model-signing's).</summary>
    public const string DefaultSignatureName = "model.sig";

    /// <summary>Ignored unless <see cref="UseDefaultIgnores"/> is off: version-control metadata (model-signing's defaults).</summary>
    public static readonly IReadOnlyList<string> DefaultIgnores = [".git", ".gitattributes", ".github", ".gitignore"];

    /// <summary>Extra paths to leave out (relative to the model directory, or absolute inside it).</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    public bool UseDefaultIgnores { get; init; } = true;

    public bool AllowSymlinks { get; init; }

    /// <summary>Files hashed at once (large models are read at disk speed; a few readers help on SSDs).</summary>
    public int Parallelism { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);
}

/// <summary>Walks a model directory in a fixed order and hashes every file, streaming, several at a time.</summary>
public static class ModelManifestBuilder
{
    private const int BufferSize = 1 << 20;

    /// <summary>Normalises ignore paths (relative or absolute inside <paramref name="root"/>) to sorted relative paths.</summary>
    public static IReadOnlyList<string> NormalizeIgnores(string root, IEnumerable<string> ignores)
    {
        var full = Path.GetFullPath(root);
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var ignore in ignores)
        {
            if (string.IsNullOrWhiteSpace(ignore)) continue;
            var relative = Path.IsPathRooted(ignore) ? Path.GetRelativePath(full, Path.GetFullPath(ignore)) : ignore;
            relative = relative.Replace('\\', '/').Trim('/');
            while (relative.StartsWith("./", StringComparison.Ordinal)) relative = relative[2..];
            if (relative.Length == 0 || relative == "." || relative.Split('/').Any(s => s is ".." or ""))
            {
                throw new BulwarkInputException($"ignore path '{ignore}' is not inside the model directory '{root}'");
            }
            result.Add(relative);
        }
        return [.. result];
    }

    /// <summary>Hashes every file under <paramref name="root"/> except ignored paths and <paramref name="signaturePath"/>.</summary>
    /// <param name="ignorePaths">Relative paths, already normalised (<see cref="NormalizeIgnores"/>).</param>
    public static (ModelManifest Manifest, IReadOnlyList<ManifestProblem> Problems) Build(
        string root, IReadOnlyList<string> ignorePaths, bool allowSymlinks, string? signaturePath, int parallelism, CancellationToken cancellationToken = default)
    {
        var fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot)) throw new BulwarkInputException($"model directory '{root}' does not exist");
        var problems = new List<ManifestProblem>();
        var files = new List<(string Name, string Path)>();
        var signatureFull = signaturePath is null ? null : Path.GetFullPath(signaturePath);
        Walk(new DirectoryInfo(fullRoot), "", fullRoot, ignorePaths, allowSymlinks, signatureFull, files, problems);

        var digests = new string?[files.Count];
        var errors = new string?[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, i =>
        {
            try
            {
                digests[i] = HashFile(files[i].Path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors[i] = $"cannot read: {e.Message}";
            }
        });
        var entries = new List<ManifestEntry>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            if (digests[i] is { } digest) entries.Add(new ManifestEntry(files[i].Name, digest));
            else problems.Add(new ManifestProblem(files[i].Name, errors[i]!));
        }
        entries.Sort((a, b) => CompareNames(a.Name, b.Name));
        problems.Sort((a, b) => CompareNames(a.Name, b.Name));
        var name = Path.GetFileName(fullRoot.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        return (new ModelManifest(name.Length == 0 ? "model" : name, entries, new ManifestSerialization(ignorePaths, allowSymlinks)), problems);
    }

    /// <summary>SHA-256 of a file, read in 1 MiB blocks (memory stays flat however large the file).</summary>
    public static string HashFile(string path, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return HashStream(stream, cancellationToken);
    }

    public static string HashStream(Stream stream, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Ordinal on UTF-8 bytes (= code point order), so the order matches other implementations' byte sort.</summary>
    public static int CompareNames(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] == b[i]) continue;
            // Surrogates (U+D800–DFFF) stand for code points above U+FFFF: they sort after every other UTF-16 unit.
            var x = char.IsSurrogate(a[i]) ? a[i] + 0x10000 : a[i];
            var y = char.IsSurrogate(b[i]) ? b[i] + 0x10000 : b[i];
            return x.CompareTo(y);
        }
        return a.Length.CompareTo(b.Length);
    }

    internal static bool IsIgnored(string relative, IReadOnlyList<string> ignorePaths)
    {
        foreach (var ignore in ignorePaths)
        {
            if (relative == ignore || (relative.Length > ignore.Length && relative[ignore.Length] == '/' && relative.StartsWith(ignore, StringComparison.Ordinal))) return true;
        }
        return false;
    }

    private static void Walk(DirectoryInfo directory, string prefix, string root, IReadOnlyList<string> ignorePaths, bool allowSymlinks,
        string? signatureFull, List<(string, string)> files, List<ManifestProblem> problems)
    {
        FileSystemInfo[] entries;
        try
        {
            entries = directory.GetFileSystemInfos();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new ManifestProblem(prefix.TrimEnd('/'), $"cannot list folder: {e.Message}"));
            return;
        }
        foreach (var entry in entries)
        {
            var relative = prefix + entry.Name;
            if (IsIgnored(relative, ignorePaths)) continue;
            if (signatureFull is not null && string.Equals(entry.FullName, signatureFull, StringComparison.Ordinal)) continue;
            if (entry.LinkTarget is not null)
            {
                if (!allowSymlinks)
                {
                    problems.Add(new ManifestProblem(relative, $"is a symbolic link (to '{entry.LinkTarget}'); links are refused unless allowed"));
                    continue;
                }
                var target = SafeLinkTarget(entry, root, out var reason);
                if (target is null) problems.Add(new ManifestProblem(relative, reason!));
                else files.Add((relative, target));
            }
            else if (entry is DirectoryInfo sub)
            {
                Walk(sub, relative + "/", root, ignorePaths, allowSymlinks, signatureFull, files, problems);
            }
            else if (entry is FileInfo file)
            {
                files.Add((relative, file.FullName));
            }
        }
    }

    /// <summary>The final target of a symlink when it is a file inside the model directory reached through no other link; else null and why.</summary>
    private static string? SafeLinkTarget(FileSystemInfo link, string root, out string? reason)
    {
        reason = null;
        FileSystemInfo? final;
        try
        {
            final = link.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException e)
        {
            reason = $"symbolic link cannot be resolved: {e.Message}";
            return null;
        }
        if (final is null || !final.Exists)
        {
            reason = $"is a dangling symbolic link (to '{link.LinkTarget}')";
            return null;
        }
        if (final is DirectoryInfo)
        {
            reason = $"is a symbolic link to a folder ('{link.LinkTarget}'); only links to files are followed";
            return null;
        }
        var target = Path.GetFullPath(final.FullName);
        var relative = Path.GetRelativePath(root, target);
        if (relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            reason = $"is a symbolic link that leaves the model directory (to '{link.LinkTarget}'); not followed";
            return null;
        }
        // The lexical check above is only sound when no folder on the way is itself a link.
        var walk = root;
        foreach (var segment in relative.Split(Path.DirectorySeparatorChar)[..^1])
        {
            walk = Path.Combine(walk, segment);
            if (new DirectoryInfo(walk).LinkTarget is not null)
            {
                reason = $"is a symbolic link whose target is reached through another link ('{segment}'); not followed";
                return null;
            }
        }
        return target;
    }

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
