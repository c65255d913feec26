using Bulwark.Data;
using Bulwark.Kernel;
using Bulwark.Kernel.Guards;
using Bulwark.Kernel.RulePacks;
using Bulwark.Usage;
using Bulwark.Usage.Guards;

namespace Bulwark.Scanning;

/// <summary>
/// The input, output and document pipelines of a <see cref="GuardPolicy"/>, built from the guards of every pillar.
/// This is where guard names meet implementations; each guard's settings are checked here, with the policy step named.
/// </summary>
public sealed class GuardPipelines
{
    /// <summary>The guards a policy can name: the settings each accepts and how it is made. One table, so a name
    /// cannot be known without a guard behind it.</summary>
    private static readonly Dictionary<string, (string[] Settings, Func<GuardStepPolicy, GuardFactory, IGuard> Create)> Guards = new(StringComparer.Ordinal)
    {
        [PromptAttackGuard.DefaultName] = (["threshold"], (step, f) => new PromptAttackGuard(f.Classifier.Value, (float?)step.Threshold)),
        [DataLeakGuard.DefaultName] = (["families"], (step, f) => f.Secrets(step)),
        ["canary"] = ([], (_, _) => new CanaryGuard()),
        ["system-prompt-leak"] = (["threshold"], (step, _) => new SystemPromptLeakGuard(step.Threshold ?? SystemPromptLeakGuard.DefaultThreshold)),
        ["exfiltration-links"] = (["allow-domains"], (step, _) => new ExfiltrationLinkGuard(step.AllowDomains)),
        ["invisible-characters"] = ([], (_, _) => new InvisibleCharacterGuard()),
        ["regex"] = (["patterns"], (step, _) => new RegexGuard(step.Patterns, step.Where)),
        ["deny-list"] = (["words", "id"], (step, _) => new DenyListGuard(step.Words, step.Id, step.Where)),
    };

    /// <summary>The guard names a policy may use.</summary>
    public static IEnumerable<string> Known => Guards.Keys;

    private GuardPipelines(GuardPipeline input, GuardPipeline output, GuardPipeline documents)
    {
        Input = input;
        Output = output;
        Documents = documents;
    }

    public GuardPipeline Input { get; }
    public GuardPipeline Output { get; }
    public GuardPipeline Documents { get; }

    public GuardPipeline For(GuardStage stage) => stage switch
    {
        GuardStage.Input => Input,
        GuardStage.Output => Output,
        _ => Documents,
    };

    /// <summary>Builds the pipelines; the classifier is loaded only if a step needs it.</summary>
    public static GuardPipelines Build(GuardPolicy policy, RuleCatalog catalog, Func<PromptAttackClassifier>? classifier = null)
    {
        var factory = new GuardFactory(catalog, new Lazy<PromptAttackClassifier>(classifier ?? (() => new PromptAttackClassifier(catalog.Rules, PromptAttackModel.LoadEmbedded()))));
        GuardPipeline Pipeline(IReadOnlyList<GuardStepPolicy> steps) =>
            new(steps.Select(s => new GuardStep(Guard(s, factory), s.Action, s.Timeout, s.OnFailure, s.LogOnly)).ToList(), policy.LogOnly);
        return new GuardPipelines(Pipeline(policy.Input), Pipeline(policy.Output), Pipeline(policy.Documents));
    }

    private static IGuard Guard(GuardStepPolicy step, GuardFactory factory)
    {
        if (!Guards.TryGetValue(step.Guard, out var guard))
            throw new BulwarkInputException($"{step.Where}: unknown guard '{step.Guard}' (known: {string.Join(", ", Guards.Keys)})");
        Refuse(step, guard.Settings, "threshold", step.Threshold is not null);
        Refuse(step, guard.Settings, "allow-domains", step.AllowDomains.Count > 0);
        Refuse(step, guard.Settings, "families", step.Families.Count > 0);
        Refuse(step, guard.Settings, "patterns", step.Patterns.Count > 0);
        Refuse(step, guard.Settings, "words", step.Words.Count > 0);
        Refuse(step, guard.Settings, "id", step.Id is not null);
        return guard.Create(step, factory);
    }

    private static void Refuse(GuardStepPolicy step, string[] accepted, string setting, bool present)
    {
        if (present && !accepted.Contains(setting))
            throw new BulwarkInputException($"{step.Where}: guard '{step.Guard}' takes no '{setting}'");
    }

    /// <summary>What the guards of one policy share: the rule catalog, one classifier, one detector per set of families.</summary>
    private sealed class GuardFactory(RuleCatalog catalog, Lazy<PromptAttackClassifier> classifier)
    {
        private readonly Dictionary<string, DataLeakGuard> _secrets = new(StringComparer.Ordinal);

        public Lazy<PromptAttackClassifier> Classifier => classifier;

        /// <summary>Pipelines that run the same families share one detector: building the pattern engine is the costly part.</summary>
        public DataLeakGuard Secrets(GuardStepPolicy step)
        {
            var families = step.Families.Count > 0 ? step.Families : ["secret"];
            var key = string.Join(',', families.Order(StringComparer.Ordinal));
            if (_secrets.TryGetValue(key, out var guard)) return guard;
            var unknown = families.FirstOrDefault(f => !catalog.Rules.Any(r => r.Family == f));
            if (unknown is not null) throw new BulwarkInputException($"{step.Where}: no rules of family '{unknown}' are loaded");
            return _secrets[key] = DataLeakGuard.ForFamilies(catalog, families.ToHashSet(StringComparer.Ordinal));
        }
    }
}
