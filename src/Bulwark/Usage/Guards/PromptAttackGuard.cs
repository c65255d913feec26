using Bulwark.Kernel.Guards;

namespace Bulwark.Usage.Guards;

/// <summary>
/// Prompt injection and jailbreaks: the classifier's calibrated score against a threshold (the model's own, chosen at
/// 1 % false positives, unless the policy sets one). On input it reads prompts; in document mode it reads retrieved
/// documents and tool results, where an instruction addressed to the model is an indirect injection.
/// </summary>
public sealed class PromptAttackGuard(PromptAttackClassifier classifier, float? threshold = null, string name = PromptAttackGuard.DefaultName) : IGuard
{
    public const string DefaultName = "prompt-attack";

    /// <summary>The id a verdict carries when the model flags a text that no heuristic rule names.</summary>
    public const string ModelRuleId = "BW-USAGE-CLASSIFIER";

    public string Name => name;

    public IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken)
    {
        var result = classifier.Classify(text);
        var limit = threshold ?? classifier.Model!.Threshold;
        if (result.Score < limit) return [];
        var why = result.Categories.Count > 0 ? string.Join(", ", result.Categories) : "attack";
        var rules = result.Rules.Count > 0 ? result.Rules : [ModelRuleId];
        return rules.Select(rule => new GuardHit(Name, rule, result.Score, 0, text.Length,
            $"prompt attack ({why}), score {result.Score:0.000} >= {limit:0.000}", WholeText: true)).ToList();
    }
}
