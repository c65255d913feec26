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

    public WordSet(IEnumerable<string> words)
    {
        _set = new HashSet<string>(words, StringComparer.OrdinalIgnoreCase);
        _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _set.Count;

    public bool Contains(ReadOnlySpan<char> word) => _lookup.Contains(word);

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
