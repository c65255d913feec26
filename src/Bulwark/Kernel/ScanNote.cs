namespace Bulwark.Kernel;

public enum ScanNoteKind
{
    SkippedBinary,
    SkippedTooLarge,
    SkippedTooDeep,
    SkippedSymlink,
    Unreadable,
    InvalidEncoding,
    TimedOut,
    TooManyFindings,
    MalformedDocument,
}

/// <summary>Something the scan did not or could not fully do for one path; reported, never fatal.</summary>
public sealed record ScanNote(ScanNoteKind Kind, string Path, string Message);
