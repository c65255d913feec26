using System.Text;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Bulwark.Data;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Bench;

/// <summary>
/// The text engine on 4 MB of mixed text with the default secret pack. Baseline: what a scanner without a
/// literal prefilter does, every rule's regex over the whole text.
/// </summary>
[MemoryDiagnoser]
public class TextEngineBenchmarks
{
    private string _text = "";
    private byte[] _utf8 = [];
    private TextDetector _detector = null!;
    private Regex[] _everyRegex = [];

    [GlobalSetup]
    public void Setup()
    {
        _text = MixedText.Generate(4 * 1024 * 1024);
        _utf8 = Encoding.UTF8.GetBytes(_text);
        var rules = RuleCatalog.Load().Rules;
        _detector = new TextDetector(rules, ScanLimits.Default, TimeProvider.System);
        _everyRegex = rules.Select(r => PatternCompiler.Compile(r.Pattern, TimeSpan.FromSeconds(10), r.Id, r.Source, compiled: true)).ToArray();
    }

    [Benchmark(Baseline = true, Description = "every rule's regex over the whole text")]
    public int EveryRegexOverWholeText()
    {
        var count = 0;
        foreach (var regex in _everyRegex) count += regex.Count(_text);
        return count;
    }

    [Benchmark(Description = "Bulwark: prefilter + windowed regex (stream, 4 MB)")]
    public int BulwarkStream() => _detector.ScanStream(new MemoryStream(_utf8), "bench", "bench").Findings.Count;
}
