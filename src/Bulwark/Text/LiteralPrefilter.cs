using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bulwark.Text;

/// <summary>
/// Finds every occurrence of any rule keyword (case-insensitive) in one pass, so the regular expressions only run
/// where a keyword occurs. Each position costs a few instructions: the three characters from it, case-folded to
/// seven bits each, index a bitmap of the keywords' first three characters. A set bit (a few percent of positions)
/// leads to a second test: the first four characters (keywords of three to five characters) or six characters
/// (longer keywords) hashed into two more bitmaps. Only then are keywords compared.
/// </summary>
/// <remarks>
/// <see cref="System.Buffers.SearchValues{T}"/> of strings was the first choice, but with 400+ keywords whose first
/// characters cover most of the alphabet it cannot skip ahead and ran at under 100 MB/s here; this loop runs
/// several times faster (bench/results/benchmarkdotnet). Keywords are therefore ASCII and at least three
/// characters long (the rule loader checks). A three-character keyword registers every possible fourth character.
/// </remarks>
public sealed class LiteralPrefilter
{
    public const int MinKeywordLength = 3;
    private const int LongKeyword = 6;
    private const int BitmapBits = 21; // 256 KiB per bitmap: stays in cache, few false positives
    private const int TrigramMask = (1 << 21) - 1;

    // Case-folds ASCII to 7 bits; every other character becomes 0, which no keyword contains.
    private static readonly byte[] Fold = CreateFoldTable();

    private readonly ulong[] _trigramBitmap = new ulong[(1 << 21) / 64]; // indexed directly by three 7-bit characters
    private readonly ulong[] _shortBitmap = new ulong[(1 << BitmapBits) / 64];
    private readonly ulong[] _longBitmap = new ulong[(1 << BitmapBits) / 64];
    private readonly Dictionary<ulong, (string Keyword, int[] Rules)[]> _short;
    private readonly Dictionary<ulong, (string Keyword, int[] Rules)[]> _long;

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

        var shortKeys = new Dictionary<ulong, List<(string, int[])>>();
        var longKeys = new Dictionary<ulong, List<(string, int[])>>();
        foreach (var (keyword, rules) in rulesByKeyword)
        {
            var entry = (keyword, rules.ToArray());
            var trigram = (int)Window(keyword, 3);
            _trigramBitmap[trigram >> 6] |= 1UL << trigram;
            if (keyword.Length >= LongKeyword)
            {
                Register(longKeys, _longBitmap, Window(keyword, LongKeyword), entry);
                continue;
            }
            var head = Window(keyword, 3) << 7;
            IEnumerable<ulong> heads = keyword.Length > 3 ? [head | Fold[keyword[3]]] : Enumerable.Range(0, 128).Select(f => head | (uint)f);
            foreach (var key in heads) Register(shortKeys, _shortBitmap, key, entry);
        }
        _short = shortKeys.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        _long = longKeys.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    public static bool IsUsable(string keyword) =>
        keyword.Length >= MinKeywordLength && System.Text.Ascii.IsValid(keyword) && !keyword.Contains('\0', StringComparison.Ordinal);

    /// <summary>Calls <paramref name="onHit"/> with (position, rule indexes) for each keyword starting in [from, to).</summary>
    public void FindHits(ReadOnlySpan<char> text, int from, int to, HitCallback onHit)
    {
        ref var chars = ref MemoryMarshal.GetReference(text);
        ref var fold = ref MemoryMarshal.GetArrayDataReference(Fold);
        ref var trigrams = ref MemoryMarshal.GetArrayDataReference(_trigramBitmap);
        var length = text.Length;

        // trigram = the three folded characters from start on; past the end of the text a character reads as 0.
        var trigram = (FoldAt(text, from) << 7) | FoldAt(text, from + 1);
        var fast = Math.Min(to, length - 2);
        var start = from;
        for (; start < fast; start++)
        {
            trigram = ((trigram << 7) | Unsafe.Add(ref fold, Unsafe.Add(ref chars, start + 2))) & TrigramMask;
            if ((Unsafe.Add(ref trigrams, trigram >> 6) & (1UL << trigram)) != 0) Probe(text, start, onHit);
        }
        for (; start < to; start++)
        {
            trigram = ((trigram << 7) | FoldAt(text, start + 2)) & TrigramMask;
            if ((_trigramBitmap[trigram >> 6] & (1UL << trigram)) != 0) Probe(text, start, onHit);
        }
    }

    /// <summary>The second test, on the few positions whose trigram starts some keyword.</summary>
    private void Probe(ReadOnlySpan<char> text, int start, HitCallback onHit)
    {
        ulong window = 0;
        for (var i = start; i < start + LongKeyword; i++) window = (window << 7) | (uint)FoldAt(text, i);
        var head = window >> (7 * (LongKeyword - 4));
        var slot = Slot(head);
        if ((_shortBitmap[slot >> 6] & (1UL << slot)) != 0) Verify(_short, head, text, start, onHit);
        slot = Slot(window);
        if ((_longBitmap[slot >> 6] & (1UL << slot)) != 0) Verify(_long, window, text, start, onHit);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FoldAt(ReadOnlySpan<char> text, int index) => index < text.Length ? Fold[text[index]] : 0;

    private static void Verify(Dictionary<ulong, (string Keyword, int[] Rules)[]> keys, ulong key, ReadOnlySpan<char> text, int start, HitCallback onHit)
    {
        if (!keys.TryGetValue(key, out var candidates)) return; // a hash collision in the bitmap
        var rest = text[start..];
        foreach (var (keyword, rules) in candidates)
        {
            if (rest.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)) onHit(start, rules);
        }
    }

    private static void Register(Dictionary<ulong, List<(string, int[])>> keys, ulong[] bitmap, ulong key, (string, int[]) entry)
    {
        if (!keys.TryGetValue(key, out var list)) keys[key] = list = [];
        list.Add(entry);
        var slot = Slot(key);
        bitmap[slot >> 6] |= 1UL << slot;
    }

    private static ulong Window(string keyword, int count)
    {
        ulong window = 0;
        for (var i = 0; i < count; i++) window = (window << 7) | Fold[keyword[i]];
        return window;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - BitmapBits));

    private static byte[] CreateFoldTable()
    {
        var table = new byte[char.MaxValue + 1];
        for (var c = 1; c < 128; c++) table[c] = (byte)char.ToLowerInvariant((char)c);
        return table;
    }

    public delegate void HitCallback(int position, int[] ruleIndexes);
}
