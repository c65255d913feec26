namespace Bulwark.Infra.Parsing;

/// <summary>
/// Turns a character offset into a 1-based line and column. Tokens carry offsets only; lines are looked up when a value
/// or an error is made, by binary search over the line starts, so no scanner has to count lines as it goes.
/// </summary>
internal sealed class TextLineMap
{
    private readonly int[] _lineStarts;

    public TextLineMap(string text)
    {
        _lineStarts = new int[text.AsSpan().Count('\n') + 1];
        var line = 1;
        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            _lineStarts[line++] = i + 1;
        }
    }

    public (int Line, int Column) Locate(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, offset);
        if (index < 0) index = ~index - 1;
        return (index + 1, offset - _lineStarts[index] + 1);
    }

    /// <summary>The offset where the line holding <paramref name="offset"/> starts.</summary>
    public int LineStart(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, offset);
        return _lineStarts[index < 0 ? ~index - 1 : index];
    }
}
