namespace Bulwark.Kernel;

/// <summary>
/// Where a finding is. Lines and columns are 1-based; columns count UTF-16 code units of the decoded text.
/// <see cref="Offset"/> and <see cref="Length"/> are in the same units from the start of the file or text.
/// </summary>
public sealed record Location(string Path, int Line, int Column, int EndLine, int EndColumn, long Offset, int Length)
{
    public override string ToString() => $"{Path}:{Line}:{Column}";
}
