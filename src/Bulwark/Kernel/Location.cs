namespace Bulwark.Kernel;

/// <summary>
/// Where a finding is. Lines and columns are 1-based; columns count UTF-16 code units of the decoded text.
/// <see cref="Offset"/> and <see cref="Length"/> are in the same units from the start of the file or text.
/// <see cref="Place"/> names the spot inside a structured document: a JSON path (<c>$.users[2].email</c>), a
/// table cell (<c>row 12, column email</c>, <c>Sheet1!C12</c>), a page or slide; lines and columns then count
/// within the text of that place when the document is not plain text.
/// </summary>
public sealed record Location(string Path, int Line, int Column, int EndLine, int EndColumn, long Offset, int Length)
{
    public string? Place { get; init; }

    public override string ToString() => Place is null ? $"{Path}:{Line}:{Column}" : $"{Path}:{Line}:{Column} ({Place})";
}
