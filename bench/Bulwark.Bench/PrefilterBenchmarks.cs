using BenchmarkDotNet.Attributes;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Bench;

/// <summary>
/// Finding keyword hits in 4 MB: one vectorised multi-literal pass (<see cref="LiteralPrefilter"/>) against the
/// baseline of one case-insensitive IndexOf pass per keyword. Also the cost of normalisation when the text
/// is plain ASCII (the fast path) and when it is not.
/// </summary>
[MemoryDiagnoser]
public class PrefilterBenchmarks
{
    private string _text = "";
    private string _nonAscii = "";
    private string[] _keywords = [];
    private LiteralPrefilter _prefilter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _text = MixedText.Generate(4 * 1024 * 1024);
        _nonAscii = _text.Replace("request", "requête", StringComparison.Ordinal);
        var rules = RuleCatalog.Load().Rules;
        _keywords = rules.SelectMany(r => r.Keywords).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _prefilter = new LiteralPrefilter(rules.Select(r => r.Keywords).ToArray());
    }

    [Benchmark(Baseline = true, Description = "IndexOf per keyword")]
    public int IndexOfPerKeyword()
    {
        var hits = 0;
        foreach (var keyword in _keywords)
        {
            for (var i = _text.IndexOf(keyword, StringComparison.OrdinalIgnoreCase); i >= 0; i = _text.IndexOf(keyword, i + 1, StringComparison.OrdinalIgnoreCase)) hits++;
        }
        return hits;
    }

    [Benchmark(Description = "SearchValues<string> prefilter")]
    public int Prefilter()
    {
        var hits = 0;
        _prefilter.FindHits(_text, 0, _text.Length, (_, rules) => hits += rules.Length > 0 ? 1 : 0);
        return hits;
    }

    [Benchmark(Description = "normalise ASCII text (fast path)")]
    public int NormaliseAscii() => NormalizedText.Create(_text).Text.Length;

    [Benchmark(Description = "normalise non-ASCII text (NFKC + map)")]
    public int NormaliseNonAscii() => NormalizedText.Create(_nonAscii).Text.Length;

}
