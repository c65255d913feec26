using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Usage;

/// <summary>The verdict on one prompt: whether it is an attack, the calibrated score, and why.</summary>
public sealed record PromptClassification(bool IsAttack, float Score, IReadOnlyList<string> Categories, IReadOnlyList<string> Rules, Obfuscation Obfuscation);

/// <summary>
/// Classifies prompts and documents as prompt attacks: de-obfuscates (<see cref="PromptText"/>), runs the
/// heuristic rule pack (family <c>prompt-attack</c>) on what it reads, and scores the hashed features plus the rule
/// hits with the linear model. Inputs of any length: long ones are scored whole and in overlapping windows, and the
/// most suspicious view decides, so nothing is truncated or diluted. Thread-safe.
/// </summary>
public sealed class PromptAttackClassifier
{
    public const string Family = "prompt-attack";
    public const int WindowChars = 1024;
    public const int WindowStep = 512;

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

    public PromptClassification Classify(string text)
    {
        var model = Model ?? throw new InvalidOperationException("no model loaded");
        var view = PromptText.Prepare(text);
        var matches = _rules.ScanString(view.Text);
        var features = new List<(int, float)>(512);
        PromptClassification? worst = null;
        foreach (var (start, length) in Windows(view.Text.Length))
        {
            var rules = matches.Where(m => m.Start >= start && m.Start < start + length).Select(m => m.Rule.Id).Distinct(StringComparer.Ordinal).ToList();
            features.Clear();
            PromptFeatures.Extract(view.Text.AsSpan(start, length), view.Obfuscation, rules, features);
            var score = model.Calibrate(model.Margin(features));
            if (worst is null || score > worst.Score)
                worst = new PromptClassification(score >= model.Threshold, score, Categories(rules), rules, view.Obfuscation);
        }
        return worst!;
    }

    /// <summary>The features the model sees for a text (whole, not windowed): used for training.</summary>
    public List<(int Slot, float Value)> Features(string text)
    {
        var (view, rules) = Analyse(text);
        var features = new List<(int, float)>(256);
        PromptFeatures.Extract(view, rules, features);
        return features;
    }

    private (PromptView View, IReadOnlyList<string> Rules) Analyse(string text)
    {
        var view = PromptText.Prepare(text);
        var rules = _rules.ScanString(view.Text).Select(m => m.Rule.Id).Distinct(StringComparer.Ordinal).ToList();
        return (view, rules);
    }

    /// <summary>The whole text, then (when longer than a window) overlapping windows of the prepared text: an
    /// instruction buried in a long document is judged on its own paragraph, a long jailbreak template on the whole.</summary>
    private static IEnumerable<(int Start, int Length)> Windows(int length)
    {
        yield return (0, length);
        if (length <= WindowChars) yield break;
        for (var start = 0; start + WindowChars < length + WindowStep; start += WindowStep)
            yield return (start, Math.Min(WindowChars, length - start));
    }

    /// <summary>BW-USAGE-JAILBREAK-DAN → jailbreak; the category is the id's third segment.</summary>
    private static List<string> Categories(IReadOnlyList<string> rules) =>
        rules.Select(id => id.Split('-')).Where(p => p.Length > 3).Select(p => p[2].ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
}
