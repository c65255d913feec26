using System.Buffers;

namespace Bulwark.Data.Pii;

/// <summary>
/// The context words of a recogniser's rules, merged, so that one pass over a text finds where any of them occurs
/// (<see cref="Index"/>); each rule keeps the ids of its own words (<see cref="WordsOf"/>).
/// </summary>
internal sealed class ContextVocabulary
{
    private readonly List<string> _words = [];
    private readonly Dictionary<string, int> _ids = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<char, int[]> _byFirstChar;
    private readonly SearchValues<string> _search;

    public ContextVocabulary(IEnumerable<IReadOnlyList<string>> wordLists)
    {
        foreach (var word in wordLists.SelectMany(w => w).Where(w => w.Length > 0))
        {
            if (_ids.TryAdd(word, _words.Count)) _words.Add(word);
        }
        _search = SearchValues.Create(_words.ToArray(), StringComparison.OrdinalIgnoreCase);
        _byFirstChar = Enumerable.Range(0, _words.Count).GroupBy(id => char.ToUpperInvariant(_words[id][0])).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public int Count => _words.Count;

    public int LengthOf(int id) => _words[id].Length;

    /// <summary>The ids of a rule's words, for <see cref="ContextIndex.Near"/>.</summary>
    public ContextWordSet WordsOf(IReadOnlyList<string> words)
    {
        var member = new bool[_words.Count];
        foreach (var word in words.Where(w => w.Length > 0)) member[_ids[word]] = true;
        return new ContextWordSet(member, words.Where(w => w.Length > 0).Select(w => w.Length).DefaultIfEmpty(0).Min());
    }

    /// <summary>Every occurrence of every word in <paramref name="text"/>, in any case: one vectorised multi-word search.</summary>
    public ContextIndex Index(string text)
    {
        var positions = new List<int>();
        var ids = new List<int>();
        var afterLetter = new List<bool>();
        var span = text.AsSpan();
        var p = 0;
        while (p < span.Length)
        {
            var at = span[p..].IndexOfAny(_search);
            if (at < 0) break;
            p += at;
            // Case folding outside ASCII is left to the comparison: every word is tried there.
            var candidates = span[p] <= '\x7f' && _byFirstChar.TryGetValue(char.ToUpperInvariant(span[p]), out var bucket) ? bucket : null;
            foreach (var id in candidates ?? Enumerable.Range(0, _words.Count))
            {
                if (!span[p..].StartsWith(_words[id], StringComparison.OrdinalIgnoreCase)) continue;
                positions.Add(p);
                ids.Add(id);
                afterLetter.Add(p > 0 && char.IsLetter(span[p - 1]));
            }
            p++;
        }
        return new ContextIndex(this, text.Length, [.. positions], [.. ids], [.. afterLetter]);
    }
}

/// <summary>The words of one rule, as ids of a <see cref="ContextVocabulary"/>.</summary>
internal sealed class ContextWordSet(bool[] member, int shortest)
{
    public bool Contains(int id) => member[id];

    public int Shortest => shortest;
}

/// <summary>
/// Where the words of a <see cref="ContextVocabulary"/> occur in one text, so that each digit run asks a binary
/// search instead of searching its neighbourhood once per word. Answers as <see cref="ContextWords.Near"/> does:
/// a word counts where it starts a word, or at the very start of the neighbourhood.
/// </summary>
internal sealed class ContextIndex(ContextVocabulary vocabulary, int textLength, int[] positions, int[] ids, bool[] afterLetter)
{
    /// <summary>Whether one of <paramref name="words"/> occurs within <paramref name="within"/> characters of [start, end).</summary>
    public bool Near(int start, int end, int within, ContextWordSet words)
    {
        var from = Math.Max(0, start - within);
        var to = Math.Min(textLength, end + within);
        var i = Array.BinarySearch(positions, from);
        if (i < 0) i = ~i;
        // Several words may begin at one position: step back to the first of them.
        while (i > 0 && positions[i - 1] == from) i--;
        for (; i < positions.Length && positions[i] <= to - words.Shortest; i++)
        {
            var id = ids[i];
            var p = positions[i];
            if (words.Contains(id) && p + vocabulary.LengthOf(id) <= to && (p == from || !afterLetter[i])) return true;
        }
        return false;
    }
}
