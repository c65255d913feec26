using Bulwark.Data.Pii.Ner;
using Bulwark.Kernel;

namespace Bulwark.Scanning;

/// <summary>What to scan and how. Defaults: all cores, the default limits, .gitignore honoured.</summary>
public sealed record ScanOptions
{
    public required IReadOnlyList<string> Roots { get; init; }
    public ScanLimits Limits { get; init; } = ScanLimits.Default;

    /// <summary>Worker threads; 0 means one per core.</summary>
    public int Threads { get; init; }

    public IReadOnlyList<string> Excludes { get; init; } = [];
    public bool UseGitIgnore { get; init; } = true;
    public Baseline? Baseline { get; init; }
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public IProgress<ScanProgress>? Progress { get; init; }

    /// <summary>The model for the <c>ner-*</c> rules of the optional NER pack (docs/ner.md); owned by the caller.</summary>
    public NerModel? Ner { get; init; }

    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;
}

/// <summary>Progress so far, reported as files finish.</summary>
public readonly record struct ScanProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal);
