namespace Bulwark.Kernel;

/// <summary>Bounds that keep a scan safe on hostile input. Defaults are documented here and in docs/commands/scan.md.</summary>
public sealed record ScanLimits
{
    /// <summary>Files larger than this are skipped with a note. Default 64 MiB.</summary>
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Directory depth below each scan root. Default 64.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Wall-clock budget for one file; the rest of the file is skipped with a note. Default 60 s.</summary>
    public TimeSpan PerFileTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Budget for one regular-expression evaluation (backtracking patterns only). Default 250 ms.</summary>
    public TimeSpan RegexTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Findings kept per file; more are counted but not reported. Default 1000.</summary>
    public int MaxFindingsPerFile { get; init; } = 1000;

    public static ScanLimits Default { get; } = new();

    public void Validate()
    {
        if (MaxFileBytes <= 0) throw new BulwarkInputException("max file size must be positive");
        if (MaxDepth <= 0) throw new BulwarkInputException("max depth must be positive");
        if (PerFileTimeout <= TimeSpan.Zero) throw new BulwarkInputException("per-file timeout must be positive");
        if (MaxFindingsPerFile <= 0) throw new BulwarkInputException("max findings per file must be positive");
    }
}
