using System.Numerics;
using System.Runtime.CompilerServices;
using Bulwark.Kernel;

namespace Bulwark.Data.Pii;

/// <summary>
/// A case-insensitive set of words or phrases (single spaces between words) looked up by span, so the tagger
/// allocates nothing per token. Loaded once from an embedded gazetteer (src/Bulwark/Data/Pii/Gazetteers).
/// </summary>
internal sealed class WordSet
{
    private readonly HashSet<string> _set;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly WordPrefilter _prefilter;

    public WordSet(IEnumerable<string> words)
    {
        _set = new HashSet<string>(words, StringComparer.OrdinalIgnoreCase);
        _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefilter = new WordPrefilter(_set);
    }

    public int Count => _set.Count;

    public bool Contains(ReadOnlySpan<char> word) => _prefilter.MayContain(word) && _lookup.Contains(word);

    /// <summary>Whether a word of the text is in the set, with the hash <see cref="WordSplitter"/> computed once for it.</summary>
    public bool Contains(string text, Word word) => _prefilter.MayContain(word.Length, word.Hash) && _lookup.Contains(word.Span(text));

    public IEnumerable<string> Items => _set;

    public static WordSet Embedded(string file, params string[] extra)
    {
        using var reader = new StringReader(EmbeddedText.Read("Bulwark.Pii." + file));
        var words = new List<string>(extra);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) words.Add(line);
        }
        return new WordSet(words);
    }
}

/// <summary>
/// Answers "certainly not in the list" for most words of a text before a case-insensitive hash of the whole word:
/// a word equal to an entry ignoring case has its length, and an ASCII word has the entry's upper-case ASCII form,
/// which a Bloom filter holds. An entry's non-ASCII character may equal an ASCII one ignoring case ('ſ' is an 's'):
/// its upper case stands in the form when that is ASCII, and an entry with a character that can equal no ASCII one
/// cannot equal an ASCII word at all. A word with a non-ASCII character always goes on to the lookup.
/// </summary>
internal sealed class WordPrefilter
{
    private const int BitsPerEntry = 16;

    private readonly ulong _lengths;
    private readonly ulong[] _bloom;
    private readonly int _mask;

    public WordPrefilter(IEnumerable<string> entries)
    {
        var list = entries.Where(e => e.Length > 0).ToList();
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1024, list.Count * BitsPerEntry));
        _bloom = new ulong[size / 64];
        _mask = size - 1;
        foreach (var entry in list)
        {
            _lengths |= LengthBit(entry.Length);
            if (AsciiHash(entry, entry: true) is var hash and not NoHash) Set(hash);
        }
    }

    /// <summary>Whether a word of this length and <see cref="HashOf"/> may be in the list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool MayContain(int length, ulong hash)
    {
        if (length == 0) return true;
        if ((_lengths & LengthBit(length)) == 0) return false;
        return hash == NoHash || (IsSet((int)hash & _mask) && IsSet((int)(hash >> 32) & _mask));
    }

    public bool MayContain(ReadOnlySpan<char> word) => MayContain(word.Length, HashOf(word));

    /// <summary>The hash of a word's upper-case ASCII form, or <see cref="NoHash"/> when it has a non-ASCII character.</summary>
    public static ulong HashOf(ReadOnlySpan<char> word) => AsciiHash(word, entry: false);

    public const ulong NoHash = 0;

    private void Set(ulong hash)
    {
        foreach (var bit in (ReadOnlySpan<int>)[(int)hash & _mask, (int)(hash >> 32) & _mask]) _bloom[bit >> 6] |= 1UL << bit;
    }

    private bool IsSet(int bit) => (_bloom[bit >> 6] & (1UL << bit)) != 0;

    /// <summary>FNV-1a of the upper-case ASCII form (never <see cref="NoHash"/>); <see cref="NoHash"/> for a word
    /// with a non-ASCII character, or an entry that can equal no ASCII word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong AsciiHash(ReadOnlySpan<char> text, bool entry)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            // ASCII upper-casing inline (what ToUpperInvariant does there); it runs on every word of every text.
            var upper = c < 128 ? (char.IsAsciiLetterLower(c) ? c - 32 : c) : entry ? char.ToUpperInvariant(c) : 128;
            if (upper >= 128) return NoHash;
            hash = (hash ^ (uint)upper) * 1099511628211UL;
        }
        return hash == NoHash ? 1 : hash;
    }

    private static ulong LengthBit(int length) => 1UL << Math.Min(length, 63);
}
