using System.Diagnostics;
using Bulwark.Data.Pii;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Bench;

/// <summary>
/// Where PII detection time goes on a folder of files (the benchmark corpus): each recogniser on its own, then each
/// digit-pattern rule on its own, in MiB/s of text. Profile before optimising:
/// `dotnet run -c Release --project bench/Bulwark.Bench -- pii bench/corpus/files [MiB]`.
/// </summary>
internal static class PiiProfile
{
    public static void Run(TextWriter output, string folder, int megabytes)
    {
        var texts = new List<string>();
        long chars = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (chars >= megabytes * 1024L * 1024) break;
            var text = File.ReadAllText(file);
            texts.Add(text);
            chars += text.Length;
        }
        var rules = RuleCatalog.Load().Rules.Where(r => r.Family == "pii").ToList();
        output.WriteLine($"{texts.Count} files, {chars / 1048576.0:0.0} M chars, {rules.Count} PII rules");

        void Time(string name, ITextRecogniser recogniser)
        {
            var spans = new List<RecognisedSpan>();
            foreach (var t in texts.Take(20)) recogniser.Recognise(t, spans); // warm-up, past the switch to compiled regexes
            spans.Clear();
            // Processor time, not wall time: on a shared machine the wall clock counts other processes' turns.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var t in texts) recogniser.Recognise(t, spans);
            var elapsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            output.WriteLine(FormattableString.Invariant($"| {name} | {elapsed.TotalMilliseconds:0} ms CPU | {chars / 1048576.0 / elapsed.TotalSeconds:0.0} M chars/s | {spans.Count} spans |"));
        }

        var all = Recognisers.Create(rules.Where(r => !r.IsPatternRule).ToList(), ScanLimits.Default);
        var allSw = Stopwatch.StartNew();
        foreach (var r in all) Time(r.GetType().Name + (r is AnchoredPatternRecogniser a ? " " + a.AnchorKind : ""), r);
        output.WriteLine($"all recognisers: {allSw.Elapsed.TotalMilliseconds:0} ms (with warm-up)");
        if (Environment.GetEnvironmentVariable("PII_PROFILE_RULES") is null) return;
        foreach (var rule in rules.Where(r => r.Detector == Recognisers.DigitPattern))
        {
            Time(rule.Id, Recognisers.Create([rule], ScanLimits.Default).Single());
        }
    }
}
