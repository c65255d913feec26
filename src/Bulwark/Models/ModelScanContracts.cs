namespace Bulwark.Models;

/// <summary>How dangerous a model file is. Ordered: a file's verdict is the worst of its issues'.</summary>
public enum ModelVerdict
{
    Clean = 0,

    /// <summary>The file (or part of it) could not be analysed: malformed, truncated, over a limit.</summary>
    Error = 1,

    /// <summary>Something outside the allow-list that is not known to be dangerous (<c>--strict</c> fails on it).</summary>
    Suspicious = 2,

    /// <summary>Code that runs on load and is known to be dangerous, or evasion of the scanner itself.</summary>
    Malicious = 3,
}

/// <summary>One thing a check found in a model file.</summary>
/// <param name="RuleId">A <c>BW-MODEL-…</c> id (see <c>Rules/model/</c>).</param>
/// <param name="Member">Where in the file: an archive member path (<c>archive/data.pkl</c>), a pickle offset
/// (<c>archive/data.pkl@1234</c>), a config key; empty for the file itself.</param>
/// <param name="Evidence">The global, op, path or key that triggered it (<c>posix.system</c>); never tensor data.</param>
public sealed record ModelIssue(string RuleId, ModelVerdict Verdict, string Member, string Message, string Evidence = "");

/// <summary>The scan of one file: its detected format, verdict and issues (<c>bulwark model scan</c> prints one per file).</summary>
public sealed record ModelFileResult(string Path, string Format, ModelVerdict Verdict, IReadOnlyList<ModelIssue> Issues)
{
    /// <summary>Why the file could not be (fully) analysed, when <see cref="Verdict"/> is <see cref="ModelVerdict.Error"/> or issues include errors.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// Limits that keep a hostile file from exhausting memory or time: archives are bombs until proven otherwise.
/// Tensor data is never read: only what can hold code (pickles, configs, code members, headers) is.
/// </summary>
public sealed record ModelScanLimits
{
    public static readonly ModelScanLimits Default = new();

    /// <summary>Largest archive member or decompressed stream read for analysis.</summary>
    public long MaxMemberBytes { get; init; } = 1L << 30;

    /// <summary>Total bytes all members of one file may decompress to.</summary>
    public long MaxTotalBytes { get; init; } = 4L << 30;

    /// <summary>Largest decompressed/compressed ratio of a member (zip bombs).</summary>
    public double MaxCompressionRatio { get; init; } = 250;

    /// <summary>Archives within archives.</summary>
    public int MaxDepth { get; init; } = 6;

    /// <summary>Members of one archive.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>Pickle opcodes walked per file (a pickle is a program; this bounds its length).</summary>
    public long MaxPickleOps { get; init; } = 50_000_000;

    /// <summary>Wall time per top-level file; past it the file's verdict is an error naming the limit.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// A model format recognised by content (magic bytes and structure, never by the file name) and inspected for what
/// can run code on load. Implementations are stateless; everything per-scan lives in <see cref="ModelScan"/>.
/// </summary>
public interface IModelFormat
{
    /// <summary>The format name reported per file: <c>pickle</c>, <c>pytorch-zip</c>, <c>zip</c>, <c>safetensors</c>, …</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="head"/> (the first bytes, up to 64 KiB) of a file of <paramref name="length"/> bytes is this format.</summary>
    bool Recognizes(ReadOnlySpan<byte> head, long length);

    /// <summary>Inspects the content (a seekable stream positioned at 0); nested payloads go back through <paramref name="scan"/>.</summary>
    void Inspect(Stream content, string member, ModelScan scan);
}

/// <summary>
/// One top-level file's scan in progress: where issues go, the limits, the depth of nesting, and the way back into
/// format detection for nested content (an archive member, a pickle inside a NumPy array).
/// </summary>
public abstract class ModelScan
{
    public abstract ModelScanLimits Limits { get; }

    public abstract CancellationToken CancellationToken { get; }

    /// <summary>How many archives deep the current content is (0 for the file itself).</summary>
    public abstract int Depth { get; }

    public abstract void Report(ModelIssue issue);

    /// <summary>Detects the format of <paramref name="content"/> (seekable) and inspects it one level deeper; depth and totals are checked here.</summary>
    public abstract void Nested(Stream content, string member);

    /// <summary>Walks every pickle in <paramref name="content"/> from its current position (several may follow one another).</summary>
    public abstract void Pickle(Stream content, string member);
}
