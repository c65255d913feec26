using System.Buffers;
using BenchmarkDotNet.Attributes;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Bench;

/// <summary>
/// Finding every keyword hit of the default packs in 4 MB of mixed text: Bulwark's <see cref="LiteralPrefilter"/>
/// against <see cref="SearchValues{T}"/> of strings (the baseline: .NET's vectorised multi-string search) and one
/// case-insensitive IndexOf pass per keyword. Also normalisation on ASCII text (the fast path) and on non-ASCII text.
/// </summary>
[MemoryDiagnoser]
public class PrefilterBenchmarks
{
    private string _text = "";
    private string _nonAscii = "";
    private string[] _keywords = [];
    private SearchValues<string> _searchValues = null!;
    private LiteralPrefilter _prefilter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _text = MixedText.Generate(4 * 1024 * 1024);
        _nonAscii = _text.Replace("request", "requête", StringComparison.Ordinal);
        var rules = RuleCatalog.Load().Rules;
        _keywords = rules.SelectMany(r => r.Keywords).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _searchValues = SearchValues.Create(_keywords, StringComparison.OrdinalIgnoreCase);
        _prefilter = new LiteralPrefilter(rules.Select(r => r.Keywords).ToArray());
    }

    [Benchmark(Baseline = true, Description = "SearchValues<string> (IndexOfAny loop)")]
    public int SearchValuesLoop()
    {
        var hits = 0;
        var span = _text.AsSpan();
        for (var position = 0; position < span.Length; position++)
        {
            var found = span[position..].IndexOfAny(_searchValues);
            if (found < 0) break;
            position += found;
            hits++;
        }
        return hits;
    }

    [Benchmark(Description = "IndexOf per keyword")]
    public int IndexOfPerKeyword()
    {
        var hits = 0;
        foreach (var keyword in _keywords)
        {
            for (var i = _text.IndexOf(keyword, StringComparison.OrdinalIgnoreCase); i >= 0; i = _text.IndexOf(keyword, i + 1, StringComparison.OrdinalIgnoreCase)) hits++;
        }
        return hits;
    }

    [Benchmark(Description = "Bulwark LiteralPrefilter")]
    public int Prefilter()
    {
        var hits = 0;
        _prefilter.FindHits(_text, 0, _text.Length, (_, _) => hits++);
        return hits;
    }

    [Benchmark(Description = "normalise ASCII text (fast path)")]
    public int NormaliseAscii() => NormalizedText.Create(_text).Text.Length;

    [Benchmark(Description = "normalise non-ASCII text (NFKC + map)")]
    public int NormaliseNonAscii() => NormalizedText.Create(_nonAscii).Text.Length;
}
