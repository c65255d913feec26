namespace Bulwark.Infra.Parsing;

/// <summary>
/// Where each heredoc can end: every line that holds nothing but an identifier, by that identifier. Built once, on the
/// first heredoc, so finding a closing marker is a lookup: scanning ahead for it instead would cost a pass over the
/// rest of the file per heredoc, quadratic on a file of unclosed ones.
/// </summary>
internal sealed class HeredocCloserIndex
{
    private readonly Dictionary<string, List<(int LineStart, int MarkerEnd)>> _closers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(int LineStart, int MarkerEnd)>>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public HeredocCloserIndex(string text)
    {
        _lookup = _closers.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var lineStart = 0; lineStart <= text.Length;)
        {
            var newline = text.IndexOf('\n', lineStart);
            var lineEnd = newline < 0 ? text.Length : newline;
            IndexLine(text, lineStart, lineEnd);
            if (newline < 0) break;
            lineStart = newline + 1;
        }
    }

    private void IndexLine(string text, int lineStart, int lineEnd)
    {
        var start = lineStart;
        while (start < lineEnd && text[start] is ' ' or '\t') start++;
        if (start == lineEnd || !HclLexer.IsIdentifierStart(text[start])) return;
        var end = start + 1;
        while (end < lineEnd && HclLexer.IsIdentifierPart(text[end])) end++;
        var rest = end;
        while (rest < lineEnd && text[rest] is ' ' or '\t' or '\r') rest++;
        if (rest != lineEnd) return;
        var marker = text.AsSpan(start, end - start);
        if (!_lookup.TryGetValue(marker, out var lines))
        {
            lines = [];
            _lookup[marker] = lines;
        }

        lines.Add((lineStart, end));
    }

    /// <summary>The first line at or after <paramref name="from"/> that closes <paramref name="marker"/> and ends by <paramref name="limit"/>.</summary>
    public bool TryFind(ReadOnlySpan<char> marker, int from, int limit, out int lineStart, out int markerEnd)
    {
        (lineStart, markerEnd) = (0, 0);
        if (!_lookup.TryGetValue(marker, out var lines)) return false;
        var (low, high) = (0, lines.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (lines[middle].LineStart < from) low = middle + 1;
            else high = middle;
        }

        if (low == lines.Count || lines[low].MarkerEnd > limit) return false;
        (lineStart, markerEnd) = lines[low];
        return true;
    }
}
