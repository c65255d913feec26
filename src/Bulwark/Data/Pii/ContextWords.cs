namespace Bulwark.Data.Pii;

/// <summary>Whether one of a rule's context words starts a word near a match (case-insensitive; "phone" finds "phones").</summary>
internal static class ContextWords
{
    public static bool Near(string text, int start, int end, IReadOnlyList<string> words, int within)
    {
        var from = Math.Max(0, start - within);
        var to = Math.Min(text.Length, end + within);
        var around = text.AsSpan(from, to - from);
        foreach (var word in words)
        {
            var offset = 0;
            while (offset < around.Length)
            {
                var at = around[offset..].IndexOf(word, StringComparison.OrdinalIgnoreCase);
                if (at < 0) break;
                at += offset;
                if (at == 0 || !char.IsLetter(around[at - 1])) return true;
                offset = at + 1;
            }
        }
        return false;
    }
}

/// <summary>
/// <see cref="ContextWords.Near"/> for one rule over one text, answered from a cursor per word instead of a search
/// of the whole neighbourhood at every digit run: runs come left to right, so each word's next occurrence is
/// found once and reused until the runs pass it. Answers are the same as <see cref="ContextWords.Near"/>.
/// </summary>
internal sealed class ContextCursor(string text, IReadOnlyList<string> words)
{
    private const int Chunk = 4096;

    // Per word: no word-start occurrence begins in [_low, _high); _found says whether one begins at _high.
    private readonly int[] _low = new int[words.Count];
    private readonly int[] _high = new int[words.Count];
    private readonly bool[] _found = new bool[words.Count];

    public bool Near(int start, int end, int within)
    {
        var from = Math.Max(0, start - within);
        var to = Math.Min(text.Length, end + within);
        for (var w = 0; w < words.Count; w++)
        {
            var word = words[w];
            var last = to - word.Length; // the last start of an occurrence inside [from, to)
            if (last < from) continue;
            // At the window's first character an occurrence counts whatever precedes it (as Near's search does).
            if (MayBeCaseVariants(text[from], word[0]) && text.AsSpan(from, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase)) return true;
            if (NextWordStart(w, from + 1, last)) return true;
        }
        return false;
    }

    // ASCII characters equal ignoring case differ at most in bit 0x20; a cheap test before the comparison at every run.
    private static bool MayBeCaseVariants(char a, char b) => a > '\x7f' || b > '\x7f' || (a | 0x20) == (b | 0x20);

    /// <summary>Whether word <paramref name="w"/> begins a word somewhere in [<paramref name="q"/>, <paramref name="last"/>].</summary>
    private bool NextWordStart(int w, int q, int last)
    {
        if (last < q) return false;
        if (!(_low[w] <= q && q <= _high[w]))
        {
            _low[w] = q;
            _high[w] = q;
            _found[w] = false;
        }
        var word = words[w];
        while (true)
        {
            if (_high[w] > last) return false;
            if (_found[w]) return true;
            var from = _high[w];
            var limit = (int)Math.Min(text.Length, Math.Max((long)last + word.Length, (long)from + Chunk));
            var at = text.AsSpan(from, limit - from).IndexOf(word, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var p = from + at;
                if (!char.IsLetter(text[p - 1]))
                {
                    _high[w] = p;
                    _found[w] = true;
                }
                else
                {
                    _high[w] = p + 1;
                }
                continue;
            }
            _high[w] = limit == text.Length ? int.MaxValue : limit - word.Length + 1;
        }
    }
}
