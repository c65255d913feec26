using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Usage;

/// <summary>The verdict on one prompt: whether it is an attack, the calibrated score, and why.</summary>
public sealed record PromptClassification(bool IsAttack, float Score, IReadOnlyList<string> Categories, IReadOnlyList<string> Rules, Obfuscation Obfuscation);

/// <summary>
/// Classifies prompts and documents as prompt attacks: de-obfuscates (<see cref="PromptText"/>), runs the
/// heuristic rule pack (family <c>prompt-attack</c>) on what it reads, and scores the hashed features plus the rule
/// hits with the linear model. Inputs of any length: long ones are scored whole and sentence by sentence, and the
/// most suspicious part decides, so nothing is truncated or diluted. Thread-safe.
/// </summary>
public sealed class PromptAttackClassifier
{
    public const string Family = "prompt-attack";
    public const int WindowChars = 256;
    public const int WindowStep = 128;
    public const int MinSentenceChars = 12;

    private readonly TextDocumentScanner _rules;

    public PromptAttackClassifier(IEnumerable<Rule> rules, PromptAttackModel? model)
        : this(new TextDocumentScanner(new PatternEngine(rules.Where(r => r.Family == Family).ToList()), ScanLimits.Default, TimeProvider.System), model)
    {
    }

    private PromptAttackClassifier(TextDocumentScanner rules, PromptAttackModel? model)
    {
        _rules = rules;
        Model = model;
    }

    /// <summary>The same rules with another model (training scores held-out prompts this way).</summary>
    public PromptAttackClassifier WithModel(PromptAttackModel model) => new(_rules, model);

    /// <summary>The default: the embedded rule pack and model.</summary>
    public static PromptAttackClassifier CreateDefault() => new(RuleCatalog.Load().Rules, PromptAttackModel.LoadEmbedded());

    public PromptAttackModel? Model { get; }

    // The hot path: fully optimised from the first call. Tier-0 code, then the instrumented code that gathers the
    // profile for tier 1, ran it 3-4x slower for the first seconds of a process (bench `stages`, one core).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public PromptClassification Classify(string text)
    {
        var model = Model ?? throw new InvalidOperationException("no model loaded");
        var view = PromptText.Prepare(text);
        var matches = _rules.ScanString(view.Text); // in order of start

        // Token features once, summed at each token: a window's token features are a contiguous range, so its
        // margin comes from the difference of two marks instead of extracting the window again.
        var scratch = Scratch.Rent();
        var (marks, context, rules) = (scratch.Marks, scratch.Context, scratch.Rules);
        PromptFeatures.SumTokens(view.Text, model.Weights, marks);

        PromptClassification? worst = null;
        var windows = new PromptWindows(view.Text);
        while (windows.Next(out var start, out var length))
        {
            // The window's matches are a contiguous run of the start-ordered list; its rules, first seen first.
            var first = FirstMatchAtOrAfter(matches, start);
            var last = FirstMatchAtOrAfter(matches, start + length);
            rules.Clear();
            for (var m = first; m < last; m++)
            {
                var id = matches[m].Rule.Id;
                if (!rules.Contains(id)) rules.Add(id);
            }
            context.Clear();
            PromptFeatures.AddContext(length, view.Obfuscation, rules.Count == 0 ? [] : rules, context);
            var from = marks[LowerBound(marks, start)];
            var to = marks[LowerBound(marks, start + length)];
            var sum = to.Sum - from.Sum;
            foreach (var (slot, value) in context) sum += model.Weights[slot] * value;
            var count = to.Count - from.Count + context.Count;
            var margin = (float)(model.Bias + sum / Math.Sqrt(Math.Max(1, count)));
            var score = Math.Max(model.Calibrate(margin), RuleScore(matches, first, last));
            if (worst is null || score > worst.Score)
            {
                var ids = rules.ToArray();
                worst = new PromptClassification(score >= model.Threshold, score, Categories(ids), ids, view.Obfuscation);
            }
        }
        Scratch.Return(scratch);
        return worst!;
    }

    private static int FirstMatchAtOrAfter(IReadOnlyList<TextMatch> matches, long position)
    {
        int lo = 0, hi = matches.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (matches[mid].Start < position) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The first mark at or after <paramref name="value"/> (the last mark, at int.MaxValue, always is).</summary>
    private static int LowerBound(List<PromptFeatures.TokenMark> marks, int value)
    {
        var span = CollectionsMarshal.AsSpan(marks);
        int lo = 0, hi = span.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (span[mid].Position < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The features the model sees for a text (whole, not windowed): used for training.</summary>
    public List<(int Slot, float Value)> Features(string text)
    {
        var view = PromptText.Prepare(text);
        var rules = _rules.ScanString(view.Text).Select(m => m.Rule.Id).Distinct(StringComparer.Ordinal).ToList();
        var features = new List<(int, float)>(256);
        PromptFeatures.Extract(view, rules, features);
        return features;
    }

    /// <summary>
    /// The heuristic rules are precise (1 false positive in 8,652 benign prompts of the evaluation set), so a hit
    /// stands as a verdict of its own: high-severity rules score 0.95, medium ones 0.75; low ones only inform the model.
    /// </summary>
    private static float RuleScore(IReadOnlyList<TextMatch> matches, int first, int last)
    {
        var worst = 0f;
        for (var m = first; m < last; m++)
        {
            worst = Math.Max(worst, matches[m].Rule.Severity switch
            {
                Severity.Critical or Severity.High => 0.95f,
                Severity.Medium => 0.75f,
                _ => 0f,
            });
        }
        return worst;
    }

    /// <summary>BW-USAGE-JAILBREAK-DAN → jailbreak; the category is the id's third segment.</summary>
    private static List<string> Categories(string[] rules) =>
        rules.Length == 0 ? [] : rules.Select(id => id.Split('-')).Where(p => p.Length > 3).Select(p => p[2].ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Per-thread buffers for one classification (a mark per token of the prompt): reused,
    /// so a call allocates little; dropped instead of kept when a huge document made them grow past a bound.
    /// </summary>
    private sealed class Scratch
    {
        private const int MaxKeptMarks = 1 << 16;

        [ThreadStatic]
        private static Scratch? _cached;

        public readonly List<PromptFeatures.TokenMark> Marks = new(1024);
        public readonly List<(int, float)> Context = new(32);
        public readonly List<string> Rules = new(8);

        public static Scratch Rent()
        {
            var scratch = _cached ?? new Scratch();
            _cached = null; // a nested call on this thread (none today) would get its own
            return scratch;
        }

        public static void Return(Scratch scratch)
        {
            if (scratch.Marks.Capacity > MaxKeptMarks) return;
            scratch.Marks.Clear();
            _cached = scratch;
        }
    }
}
