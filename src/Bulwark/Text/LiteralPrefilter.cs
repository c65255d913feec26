namespace Bulwark.Text;

/// <summary>
/// Finds every occurrence of any rule keyword (case-insensitive) in one pass, so the regular expressions only run
/// where a keyword occurs. Each position costs a table lookup: the last three characters, case-folded, form a
/// 21-bit key into a bitmap of the keywords' first three characters; only a set bit leads to comparing the
/// keywords that start with that trigram.
/// </summary>
/// <remarks>
/// <see cref="System.Buffers.SearchValues{T}"/> of strings was the first choice, but with 400+ keywords whose
/// first characters cover most of the alphabet it cannot skip ahead and ran at under 100 MB/s here; the trigram
/// bitmap runs several times faster (bench/results/benchmarkdotnet). Keywords are therefore ASCII and at least
/// three characters long (the rule loader checks).
/// </remarks>
public sealed class LiteralPrefilter
{
    public const int MinKeywordLength = 3;
    private const int KeyBits = 21;
    private const int KeyMask = (1 << KeyBits) - 1;

    // Case-folds ASCII to 7 bits; every other character becomes 0, which no keyword contains.
    private static readonly byte[] Fold = CreateFoldTable();

    private readonly ulong[] _bitmap = new ulong[(1 << KeyBits) / 64];
    private readonly Dictionary<int, (string Keyword, int[] Rules)[]> _byTrigram;

    /// <param name="keywordsPerRule">For each rule index, its keywords.</param>
    public LiteralPrefilter(IReadOnlyList<IReadOnlyList<string>> keywordsPerRule)
    {
        var rulesByKeyword = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var rule = 0; rule < keywordsPerRule.Count; rule++)
        {
            foreach (var keyword in keywordsPerRule[rule])
            {
                if (!IsUsable(keyword))
                    throw new ArgumentException($"keyword '{keyword}' must be ASCII and at least {MinKeywordLength} characters long", nameof(keywordsPerRule));
                if (!rulesByKeyword.TryGetValue(keyword, out var list)) rulesByKeyword[keyword] = list = [];
                if (!list.Contains(rule)) list.Add(rule);
            }
        }

        _byTrigram = rulesByKeyword
            .GroupBy(kv => Key(kv.Key[0], kv.Key[1], kv.Key[2]))
            .ToDictionary(g => g.Key, g => g.Select(kv => (kv.Key, kv.Value.ToArray())).ToArray());
        foreach (var key in _byTrigram.Keys) _bitmap[key >> 6] |= 1UL << (key & 63);
        KeywordCount = rulesByKeyword.Count;
    }

    public int KeywordCount { get; }

    public static bool IsUsable(string keyword) => keyword.Length >= MinKeywordLength && System.Text.Ascii.IsValid(keyword) && !keyword.Contains('\0', StringComparison.Ordinal);

    /// <summary>Calls <paramref name="onHit"/> with (position, rule indexes) for each keyword starting in [from, to).</summary>
    public void FindHits(ReadOnlySpan<char> text, int from, int to, HitCallback onHit)
    {
        var fold = Fold;
        var bitmap = _bitmap;
        var end = Math.Min(text.Length, to + MinKeywordLength - 1);
        var key = 0;
        for (var i = from; i < end; i++)
        {
            key = ((key << 7) | fold[text[i]]) & KeyMask;
            if ((bitmap[key >> 6] & (1UL << (key & 63))) == 0) continue;
            var start = i - (MinKeywordLength - 1);
            if (start < from) continue;
            var rest = text[start..];
            foreach (var (keyword, rules) in _byTrigram[key])
            {
                if (rest.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)) onHit(start, rules);
            }
        }
    }

    private static int Key(char a, char b, char c) => (Fold[a] << 14) | (Fold[b] << 7) | Fold[c];

    private static byte[] CreateFoldTable()
    {
        var table = new byte[char.MaxValue + 1];
        for (var c = 1; c < 128; c++) table[c] = (byte)char.ToLowerInvariant((char)c);
        return table;
    }

    public delegate void HitCallback(int position, int[] ruleIndexes);
}
