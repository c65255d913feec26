using System.Buffers;
using System.Runtime.CompilerServices;

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
    private readonly bool _wordsStartWithLetters;
    private readonly int[]?[] _byFirstTwo;

    public ContextVocabulary(IEnumerable<IReadOnlyList<string>> wordLists)
    {
        foreach (var word in wordLists.SelectMany(w => w).Where(w => w.Length > 0))
        {
            if (_ids.TryAdd(word, _words.Count)) _words.Add(word);
        }
        _search = SearchValues.Create(_words.ToArray(), StringComparison.OrdinalIgnoreCase);
        _wordsStartWithLetters = _words.All(InPairTable);
        _byFirstTwo = ByFirstTwo(_words);
        _byFirstChar = Enumerable.Range(0, _words.Count).GroupBy(id => char.ToUpperInvariant(_words[id][0])).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public int Count => _words.Count;

    public int LengthOf(int id) => _words[id].Length;

    /// <summary>The ids of a rule's words, for <see cref="ContextIndex.Near"/>.</summary>
    public ContextWordSet WordsOf(IReadOnlyList<string> words)
    {
        var member = new bool[_words.Count];
        foreach (var word in words.Where(w => w.Length > 0)) member[_ids[word]] = true;
        return new ContextWordSet(member, words.Where(w => w.Length > 0).Select(w => w.Length).DefaultIfEmpty(0).Min(), words);
    }

    /// <summary>Where the words occur in <paramref name="text"/>, in any case, as <see cref="ContextIndex.Near"/> needs it.</summary>
    public ContextIndex Index(string text) =>
        _wordsStartWithLetters && !text.AsSpan().ContainsAnyExceptInRange('\0', '\x7f') ? IndexWordStarts(text) : IndexEverywhere(text);

    /// <summary>
    /// Every occurrence of every word: one multi-word search. Outside ASCII, case folding turns some characters into
    /// ASCII letters ('ſ' is an 's', the Kelvin sign a 'k'), so every word is tried at such a character.
    /// </summary>
    private ContextIndex IndexEverywhere(string text)
    {
        var found = new Occurrences();
        var span = text.AsSpan();
        var p = 0;
        while (p < span.Length)
        {
            var at = span[p..].IndexOfAny(_search);
            if (at < 0) break;
            p += at;
            var candidates = span[p] <= '\x7f' && _byFirstChar.TryGetValue(char.ToUpperInvariant(span[p]), out var bucket) ? bucket : null;
            foreach (var id in candidates ?? Enumerable.Range(0, _words.Count))
            {
                if (span[p..].StartsWith(_words[id], StringComparison.OrdinalIgnoreCase)) found.Add(p, id, p > 0 && char.IsLetter(span[p - 1]));
            }
            p++;
        }
        return found.ToIndex(this, text, wordStartsOnly: false);
    }

    /// <summary>
    /// In ASCII text, only the occurrences that start a word: every word starts with a letter, so one pass looks up
    /// the first two letters of each word in a table and tries only the words that begin with them. An occurrence
    /// inside a word counts only at the very start of a neighbourhood, which <see cref="ContextIndex.Near"/> checks on
    /// its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ContextIndex IndexWordStarts(string text)
    {
        var found = new Occurrences();
        var span = text.AsSpan();
        var afterLetter = false;
        for (var p = 0; p < span.Length; p++)
        {
            var letter = char.IsAsciiLetter(span[p]);
            if (letter && !afterLetter && _byFirstTwo[PairKey(span[p], p + 1 < span.Length ? span[p + 1] : '\0')] is { } candidates)
            {
                foreach (var id in candidates)
                {
                    if (span[p..].StartsWith(_words[id], StringComparison.OrdinalIgnoreCase)) found.Add(p, id, afterLetter: false);
                }
            }
            afterLetter = letter;
        }
        return found.ToIndex(this, text, wordStartsOnly: true);
    }

    /// <summary>A slot for an ASCII letter and the ASCII character after it, both in lower case.</summary>
    private static int PairKey(char first, char second) => ((first | 0x20) - 'a') * 128 + (second < 128 ? char.ToLowerInvariant(second) : 0);

    /// <summary>Whether the two-letter table can hold the word: not a one-letter word, nor one with a second character outside ASCII.</summary>
    private static bool InPairTable(string word) => char.IsAsciiLetter(word[0]) && word.Length > 1 && word[1] < 128;

    private static int[]?[] ByFirstTwo(List<string> words)
    {
        var table = new int[]?[26 * 128];
        foreach (var group in Enumerable.Range(0, words.Count).Where(id => InPairTable(words[id]))
                     .GroupBy(id => PairKey(words[id][0], words[id][1])))
            table[group.Key] = [.. group];
        return table;
    }

    /// <summary>
    /// Whether one of <paramref name="words"/> starts a word in the ASCII neighbourhood [<paramref name="from"/>,
    /// <paramref name="to"/>) and ends in it, or starts right at <paramref name="from"/>: what the word-start index
    /// answers, read from the neighbourhood alone. Null when the words or the neighbourhood do not allow it (a word that
    /// does not start with a letter, a character outside ASCII).
    /// </summary>
    internal bool? NearInAscii(string text, int from, int to, ContextWordSet words)
    {
        if (!_wordsStartWithLetters || text.AsSpan(from, to - from).ContainsAnyExceptInRange('\0', '\x7f')) return null;
        for (var p = from; p <= to - words.Shortest; p++)
        {
            if (!char.IsAsciiLetter(text[p]) || (p > from && char.IsAsciiLetter(text[p - 1]))) continue;
            if (_byFirstTwo[PairKey(text[p], p + 1 < text.Length ? text[p + 1] : '\0')] is not { } candidates) continue;
            foreach (var id in candidates)
            {
                if (words.Contains(id) && p + _words[id].Length <= to && text.AsSpan(p).StartsWith(_words[id], StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    /// <summary>Whether one of <paramref name="words"/> starts at <paramref name="position"/>, in any case.</summary>
    internal bool StartsAt(ReadOnlySpan<char> text, int position, ContextWordSet words, int end)
    {
        if (!_byFirstChar.TryGetValue(char.ToUpperInvariant(text[position]), out var bucket)) return false;
        foreach (var id in bucket)
        {
            if (words.Contains(id) && position + _words[id].Length <= end && text[position..].StartsWith(_words[id], StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private sealed class Occurrences
    {
        private readonly List<int> _positions = [];
        private readonly List<int> _ids = [];
        private readonly List<bool> _afterLetter = [];

        public void Add(int position, int id, bool afterLetter)
        {
            _positions.Add(position);
            _ids.Add(id);
            _afterLetter.Add(afterLetter);
        }

        public ContextIndex ToIndex(ContextVocabulary vocabulary, string text, bool wordStartsOnly) =>
            new(vocabulary, text, wordStartsOnly, [.. _positions], [.. _ids], [.. _afterLetter]);
    }
}

/// <summary>The words of one rule, as ids of a <see cref="ContextVocabulary"/> and as written.</summary>
internal sealed class ContextWordSet(bool[] member, int shortest, IReadOnlyList<string> words)
{
    public bool Contains(int id) => member[id];

    public int Shortest => shortest;

    public IReadOnlyList<string> Words => words;
}

/// <summary>
/// The context-word questions of one text. The first are answered from their neighbourhoods alone; once those have
/// read half the text, the text is indexed (<see cref="ContextIndex"/>) and the rest are binary searches. A file
/// with a few candidate numbers is never indexed whole; a file full of them costs at most half a pass more.
/// </summary>
internal sealed class ContextLookup(ContextVocabulary vocabulary, string text)
{
    private ContextIndex? _index;
    private long _read;

    /// <summary>As <see cref="ContextIndex.Near"/>.</summary>
    public bool Near(int start, int end, int within, ContextWordSet words)
    {
        if (_index is null)
        {
            var from = Math.Max(0, start - within);
            var to = Math.Min(text.Length, end + within);
            _read += to - from;
            if (_read <= text.Length / 2) return vocabulary.NearInAscii(text, from, to, words) ?? ContextWords.Near(text, start, end, words.Words, within);
            _index = vocabulary.Index(text);
        }
        return _index.Near(start, end, within, words);
    }
}

/// <summary>
/// Where the words of a <see cref="ContextVocabulary"/> occur in one text, so that each digit run asks a binary
/// search instead of searching its neighbourhood once per word. Answers as <see cref="ContextWords.Near"/> does:
/// a word counts where it starts a word, or at the very start of the neighbourhood.
/// </summary>
internal sealed class ContextIndex(ContextVocabulary vocabulary, string text, bool wordStartsOnly, int[] positions, int[] ids, bool[] afterLetter)
{
    /// <summary>Whether one of <paramref name="words"/> occurs within <paramref name="within"/> characters of [start, end).</summary>
    public bool Near(int start, int end, int within, ContextWordSet words)
    {
        var from = Math.Max(0, start - within);
        var to = Math.Min(text.Length, end + within);
        // An index of word starts lacks a word that begins inside another word right at the neighbourhood's start.
        if (wordStartsOnly && from > 0 && char.IsLetter(text[from - 1]) && vocabulary.StartsAt(text, from, words, to)) return true;
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
