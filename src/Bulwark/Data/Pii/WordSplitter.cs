namespace Bulwark.Data.Pii;

/// <summary>How a word is written: the first signal of a proper noun.</summary>
internal enum Shape { Lower, Capitalised, Upper, Initial, Other }

/// <summary>A word of letters (with inner apostrophes and hyphens) at [Start, End) of the text, with the hash that
/// word lists look it up by (<see cref="WordPrefilter.HashOf"/>), computed once.</summary>
internal readonly record struct Word(int Start, int End, Shape Shape, ulong Hash)
{
    public int Length => End - Start;

    public ReadOnlySpan<char> Span(string text) => text.AsSpan(Start, End - Start);

    public bool IsNameShaped => Shape is Shape.Capitalised or Shape.Upper or Shape.Initial;
}

/// <summary>Splits text into words in one pass; no allocation beyond the list.</summary>
internal static class WordSplitter
{
    /// <summary>Adds the words of <paramref name="text"/> to <paramref name="words"/> (a list reused across texts).</summary>
    public static void Split(string text, List<Word> words)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && (char.IsLetter(text[i]) || (text[i] is '\'' or '’' or '-' && i + 1 < text.Length && char.IsLetter(text[i + 1]) && i > start && !IsPossessive(text, i)))) i++;
            // Letters glued to digits ("abc123") are identifiers, not words.
            if ((start > 0 && char.IsAsciiDigit(text[start - 1])) || (i < text.Length && char.IsAsciiDigit(text[i]))) continue;
            var word = text.AsSpan(start, i - start);
            words.Add(new Word(start, i, ShapeOf(word), WordPrefilter.HashOf(word)));
        }
    }

    // "Anna's" is the word "Anna": the possessive ending is not part of a name.
    private static bool IsPossessive(string text, int apostrophe) =>
        apostrophe + 1 < text.Length && text[apostrophe + 1] is 's' or 'S' && (apostrophe + 2 >= text.Length || !char.IsLetter(text[apostrophe + 2]));

    private static Shape ShapeOf(ReadOnlySpan<char> word)
    {
        if (word.Length == 1) return char.IsUpper(word[0]) ? Shape.Initial : Shape.Lower;
        if (!char.IsUpper(word[0])) return char.IsLower(word[0]) ? Shape.Lower : Shape.Other;
        var lower = 0;
        var upper = 0;
        foreach (var c in word[1..])
        {
            if (char.IsLower(c)) lower++;
            else if (char.IsUpper(c)) upper++;
        }
        // "McDonald" and "O'Neil" are capitalised; "SDKs", "iPhone"-like mixes and "HTTP" are not names' usual shape.
        if (upper == 0 || (lower > 0 && upper <= 1 && !char.IsUpper(word[1]))) return Shape.Capitalised;
        return lower == 0 ? Shape.Upper : Shape.Other;
    }

    /// <summary>Two words of one name: only spaces between them, or an initial's dot and a space.</summary>
    public static bool Joinable(string text, Word a, Word b)
    {
        var gap = text.AsSpan(a.End, b.Start - a.End);
        if (gap.Length == 0 || gap.Length > 2) return false;
        if (gap is " ") return true;
        return a.Shape == Shape.Initial && gap is ". ";
    }

    /// <summary>Two words of one phrase across a line break or a double space (place names in addresses, titles).</summary>
    public static bool JoinableLoose(string text, Word a, Word b)
    {
        var gap = text.AsSpan(a.End, b.Start - a.End);
        return gap.Length is > 0 and <= 3 && gap.IndexOfAnyExcept(" \n\r\t") < 0;
    }
}

/// <summary>
/// Cue phrases (lower case, single spaces) that end right before a word ("my name is |Ana"). The last word of
/// each cue indexes the set, so testing a word costs one lookup of the word before it.
/// </summary>
internal sealed class CueSet
{
    private readonly Dictionary<string, string[]> _byLastWord;
    private readonly Dictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    // Most words follow no cue word: the prefilter (lengths, upper-case forms) answers them before a case-insensitive lookup.
    private readonly WordPrefilter _lastWords;

    public CueSet(params string[] cues)
    {
        _byLastWord = cues.GroupBy(c => c[(c.LastIndexOf(' ') + 1)..], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(c => c.Length).ToArray(), StringComparer.OrdinalIgnoreCase);
        _lookup = _byLastWord.GetAlternateLookup<ReadOnlySpan<char>>();
        _lastWords = new WordPrefilter(_byLastWord.Keys);
    }

    /// <summary>The cue that ends just before word <paramref name="index"/>, or null.</summary>
    public string? Before(string text, CueAnchors anchors, int index)
    {
        var (start, end, hash) = anchors[index];
        if (start == end || !_lastWords.MayContain(end - start, hash) || !_lookup.TryGetValue(text.AsSpan(start, end - start), out var cues)) return null;
        foreach (var cue in cues)
        {
            if (end < cue.Length) continue;
            if (!text.AsSpan(end - cue.Length, cue.Length).Equals(cue, StringComparison.OrdinalIgnoreCase)) continue;
            if (end - cue.Length > 0 && char.IsLetter(text[end - cue.Length - 1])) continue;
            return cue;
        }
        return null;
    }
}

/// <summary>
/// For each word of a text, the word a cue would end with just before it ("name: |Ana", "last name? |Roe"): its span
/// and lookup hash, found once per text and shared by every cue set, since each word is asked about by several.
/// Reused from text to text.
/// </summary>
internal sealed class CueAnchors
{
    private (int Start, int End, ulong Hash)[] _anchors = [];

    /// <summary>The word before word <paramref name="index"/> (start == end when there is none).</summary>
    public (int Start, int End, ulong Hash) this[int index] => _anchors[index];

    public void Find(string text, List<Word> words)
    {
        if (_anchors.Length < words.Count) _anchors = new (int, int, ulong)[words.Capacity];
        for (var index = 0; index < words.Count; index++)
        {
            var start = words[index].Start;
            // Between the cue and the word: spaces, a colon, a comma or a question mark ("name: Ana", "last name? Roe").
            var p = start;
            while (p > 0 && text[p - 1] is ' ' or ':' or ',' or '?' or '\t' or '\n' or '\r' && start - p < 4) p--;
            var wordStart = p;
            if (p < start)
            {
                while (wordStart > 0 && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] is '\'' or '’')) wordStart--;
            }
            if (wordStart == p)
            {
                _anchors[index] = (p, p, 0); // no separator before the word, or no word before the separator
                continue;
            }
            // The word before is nearly always the previous word of the list, whose hash is known.
            var hash = index > 0 && words[index - 1].Start == wordStart && words[index - 1].End == p ? words[index - 1].Hash : WordPrefilter.HashOf(text.AsSpan(wordStart, p - wordStart));
            _anchors[index] = (wordStart, p, hash);
        }
    }
}
