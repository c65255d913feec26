using System.Diagnostics;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;
using Bulwark.Usage;

namespace Bulwark.Bench;

/// <summary>
/// Where classification time goes: the median cost of each pipeline stage (de-obfuscation, heuristic rules, token
/// features, the whole call) and of each rule's pattern on its own, for the prompts of <see cref="LatencyRun"/>.
/// Profile before optimising: `dotnet run -c Release --project bench/Bulwark.Bench -- stages`.
/// </summary>
internal static class StageProfile
{
    public static void Run(TextWriter output)
    {
        var classifier = PromptAttackClassifier.CreateDefault();
        var rules = RuleCatalog.Load().Rules.Where(r => r.Family == PromptAttackClassifier.Family).ToList();
        var scanner = Scanner(rules);
        var perRule = rules.Select(r => (r.Id, Scanner: Scanner([r]))).ToList();
        var warmUp = Prompts.Make(1024, 1);
        LatencyRun.WarmUp(() => classifier.Classify(warmUp), 0);

        output.WriteLine("| prompt | prepare | rules | tokens | classify |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, size, attacks) in new[]
        {
            ("1 KB, benign", 1024, false), ("32 KB, benign", 32 * 1024, false), ("1 KB, attacks", 1024, true), ("32 KB, attacks", 32 * 1024, true),
            ("1 KB, jailbreak", 1024, true), ("32 KB, jailbreak", 32 * 1024, true),
        })
        {
            var prompt = name.Contains("jailbreak", StringComparison.Ordinal) ? Prompts.MakeJailbreak(size, 1) : Prompts.Make(size, 1, attacks);
            var calls = size > 4096 ? 200 : 3000;
            var text = PromptText.Prepare(prompt).Text;
            var marks = new List<PromptFeatures.TokenMark>();
            var prepare = Median(calls, () => PromptText.Prepare(prompt));
            var scan = Median(calls, () => scanner.ScanString(text));
            var features = Median(calls, () =>
            {
                marks.Clear();
                PromptFeatures.SumTokens(text, classifier.Model!.Weights, marks);
            });
            var classify = Median(calls, () => classifier.Classify(prompt));
            output.WriteLine(FormattableString.Invariant($"| {name} | {prepare:0.0} µs | {scan:0.0} µs | {features:0.0} µs | {classify:0.0} µs |"));

            var costly = perRule.Select(r => (r.Id, Cost: Median(calls / 4, () => r.Scanner.ScanString(text)))).OrderByDescending(r => r.Cost).Take(8);
            output.WriteLine("|   " + string.Join(", ", costly.Select(r => FormattableString.Invariant($"{r.Id} {r.Cost:0.0}"))) + " | | | | |");
        }
    }

    private static TextDocumentScanner Scanner(IReadOnlyList<Rule> rules) =>
        new(new PatternEngine(rules), ScanLimits.Default, TimeProvider.System);

    private static double Median(int calls, Action action)
    {
        for (var i = 0; i < Math.Max(300, calls / 5); i++) action(); // past the rules' switch to compiled regexes
        var samples = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return samples[calls / 2];
    }
}
