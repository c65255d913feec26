using System.Buffers;

namespace Bulwark.Text;

/// <summary>
/// Finds every occurrence of any rule keyword in one vectorised pass (<see cref="SearchValues{T}"/> picks
/// Aho-Corasick or Teddy), so the regular expressions only run where a keyword occurs.
/// </summary>
public sealed class LiteralPrefilter
{
    private readonly SearchValues<string> _any;
    private readonly Dictionary<char, (string Keyword, int[] Rules)[]> _byFirstChar;

    /// <param name="keywordsPerRule">For each rule index, its keywords.</param>
    public LiteralPrefilter(IReadOnlyList<IReadOnlyList<string>> keywordsPerRule)
    {
        var rulesByKeyword = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var rule = 0; rule < keywordsPerRule.Count; rule++)
        {
            foreach (var keyword in keywordsPerRule[rule])
            {
                if (!rulesByKeyword.TryGetValue(keyword, out var list)) rulesByKeyword[keyword] = list = [];
                if (!list.Contains(rule)) list.Add(rule);
            }
        }

        _any = SearchValues.Create(rulesByKeyword.Keys.ToArray(), StringComparison.OrdinalIgnoreCase);
        _byFirstChar = rulesByKeyword
            .GroupBy(kv => char.ToLowerInvariant(kv.Key[0]))
            .ToDictionary(g => g.Key, g => g.Select(kv => (kv.Key, kv.Value.ToArray())).ToArray());
        KeywordCount = rulesByKeyword.Count;
    }

    public int KeywordCount { get; }

    /// <summary>Calls <paramref name="onHit"/> with (position, rule indexes) for each keyword occurrence in [from, to).</summary>
    public void FindHits(ReadOnlySpan<char> text, int from, int to, HitCallback onHit)
    {
        var position = from;
        while (position < to)
        {
            var found = text[position..].IndexOfAny(_any);
            if (found < 0) return;
            position += found;
            if (position >= to) return;
            if (_byFirstChar.TryGetValue(char.ToLowerInvariant(text[position]), out var candidates))
            {
                var rest = text[position..];
                foreach (var (keyword, rules) in candidates)
                {
                    if (rest.StartsWith(keyword, StringComparison.OrdinalIgnoreCase)) onHit(position, rules);
                }
            }
            position++;
        }
    }

    /// <summary>Whether the text holds any keyword at all; the cheap test that lets most input skip everything else.</summary>
    public bool ContainsAny(ReadOnlySpan<char> text) => text.ContainsAny(_any);

    public delegate void HitCallback(int position, int[] ruleIndexes);
}
