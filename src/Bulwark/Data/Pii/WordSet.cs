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
/// a word equal to an entry ignoring case has its length and, in ASCII, its first two letters in either case.
/// Lengths are one bit each (63 for all longer ones); first two characters one bit per pair of ASCII characters in
/// upper case ('\0' for the second of a one-letter word). A non-ASCII character of an entry may equal an ASCII one
/// ignoring case ('ſ' is an 's'), so it sets the bits of every character in its place; a word with a non-ASCII
/// character among its first two always goes on to the lookup.
/// </summary>
internal sealed class WordPrefilter
{
    private readonly ulong _lengths;
    private readonly ulong[] _firstTwo = new ulong[128 * 128 / 64];

    public WordPrefilter(IEnumerable<string> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Length == 0) continue;
            _lengths |= LengthBit(entry.Length);
            var (firstLow, firstHigh) = Places(entry[0]);
            var (secondLow, secondHigh) = entry.Length > 1 ? Places(entry[1]) : (0, 0);
            for (var first = firstLow; first <= firstHigh; first++)
            {
                for (var second = secondLow; second <= secondHigh; second++)
                {
                    var pair = first * 128 + second;
                    _firstTwo[pair >> 6] |= 1UL << pair;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool MayContain(ReadOnlySpan<char> word)
    {
        if (word.Length == 0) return true;
        if ((_lengths & LengthBit(word.Length)) == 0) return false;
        var (first, second) = (word[0], word.Length > 1 ? word[1] : '\0');
        if (first >= 128 || second >= 128) return true;
        var pair = char.ToUpperInvariant(first) * 128 + char.ToUpperInvariant(second);
        return (_firstTwo[pair >> 6] & (1UL << pair)) != 0;
    }

    private static ulong LengthBit(int length) => 1UL << Math.Min(length, 63);

    /// <summary>The characters an entry's character stands for: itself in upper case, or any outside ASCII.</summary>
    private static (int Low, int High) Places(char c) => c < 128 ? (char.ToUpperInvariant(c), char.ToUpperInvariant(c)) : (0, 127);
}
