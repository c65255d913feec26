namespace Bulwark.Data.Poisoning;

/// <summary>Words of a row, lower-cased, numbered in a shared vocabulary.</summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _words = [];

    public int Count => _words.Count;

    public string Word(int id) => _words[id];

    /// <summary>Shape tokens start with this character, which no word holds; they are features, never trigger candidates.</summary>
    public const char ShapeMark = '\u00A7';

    public bool IsShape(int id) => _words[id][0] == ShapeMark;

    public int[] Encode(string text)
    {
        var ids = new List<int>();
        foreach (var word in Words(text).Concat(Shape(text)))
        {
            if (!_ids.TryGetValue(word, out var id))
            {
                id = _words.Count;
                _ids[word] = id;
                _words.Add(word);
            }
            ids.Add(id);
        }
        return ids.ToArray();
    }

    /// <summary>
    /// How the text looks rather than what it says: capitalisation, final punctuation, line structure, enumerated
    /// options, digits and formula symbols, length. Style separates sources that share vocabulary.
    /// </summary>
    private static IEnumerable<string> Shape(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) yield break;
        var first = trimmed.FirstOrDefault(char.IsLetter);
        yield return ShapeMark + (char.IsUpper(first) ? "upper-start" : "lower-start");
        var last = trimmed[^1];
        yield return ShapeMark + "end-" + (char.IsLetterOrDigit(last) ? "word" : last is '.' or '?' or '!' or ':' ? last.ToString() : "symbol");
        if (trimmed.Contains('\n', StringComparison.Ordinal)) yield return ShapeMark + "lines";
        if (trimmed.Any(char.IsDigit)) yield return ShapeMark + "digits";
        if (trimmed.IndexOfAny(['$', '=', '^', '\\', '{', '(']) >= 0) yield return ShapeMark + "symbols";
        if (trimmed.Split('\n').Any(l => l.Length > 2 && char.IsAsciiLetterUpper(l[0]) && l[1] is '.' or ')' && l[2] == ' ')) yield return ShapeMark + "enumerated";
        yield return ShapeMark + "words-" + (int)Math.Log2(1 + trimmed.Count(c => c == ' '));
    }

    /// <summary>Letters, digits and apostrophes; everything else separates. At most 10,000 words a row.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length && count < 10_000;)
        {
            if (!char.IsLetterOrDigit(text[i])) { i++; continue; }
            var start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '\'')) i++;
            count++;
            yield return text[start..Math.Min(i, start + 64)].ToLowerInvariant();
        }
    }
}
