using Bulwark.Data;
using Bulwark.Kernel;
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
    /// <summary>The guards a policy can name, and the settings each accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Known = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [PromptAttackGuard.DefaultName] = ["threshold"],
        [DataLeakGuard.DefaultName] = ["families"],
        ["canary"] = [],
        ["system-prompt-leak"] = ["threshold"],
        ["exfiltration-links"] = ["allow-domains"],
        ["invisible-characters"] = [],
    };

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
        var shared = new Lazy<PromptAttackClassifier>(classifier ?? (() => new PromptAttackClassifier(catalog.Rules, PromptAttackModel.LoadEmbedded())));
        var secrets = new Dictionary<string, DataLeakGuard>(StringComparer.Ordinal);
        GuardPipeline Pipeline(IReadOnlyList<GuardStepPolicy> steps) =>
            new(steps.Select(s => new GuardStep(Guard(s, catalog, shared, secrets), s.Action, s.Timeout, s.OnFailure, s.LogOnly)).ToList(), policy.LogOnly);
        return new GuardPipelines(Pipeline(policy.Input), Pipeline(policy.Output), Pipeline(policy.Documents));
    }

    private static Kernel.Guards.IGuard Guard(GuardStepPolicy step, RuleCatalog catalog, Lazy<PromptAttackClassifier> classifier, Dictionary<string, DataLeakGuard> secrets)
    {
        if (!Known.TryGetValue(step.Guard, out var settings))
            throw new BulwarkInputException($"{step.Where}: unknown guard '{step.Guard}' (known: {string.Join(", ", Known.Keys)})");
        Refuse(step, settings, "threshold", step.Threshold is not null);
        Refuse(step, settings, "allow-domains", step.AllowDomains.Count > 0);
        Refuse(step, settings, "families", step.Families.Count > 0);
        return step.Guard switch
        {
            PromptAttackGuard.DefaultName => new PromptAttackGuard(classifier.Value, (float?)step.Threshold),
            DataLeakGuard.DefaultName => SecretsGuard(step, catalog, secrets),
            "canary" => new CanaryGuard(),
            "system-prompt-leak" => new SystemPromptLeakGuard(step.Threshold ?? SystemPromptLeakGuard.DefaultThreshold),
            "exfiltration-links" => new ExfiltrationLinkGuard(step.AllowDomains),
            _ => new InvisibleCharacterGuard(),
        };
    }

    private static void Refuse(GuardStepPolicy step, string[] accepted, string setting, bool present)
    {
        if (present && !accepted.Contains(setting))
            throw new BulwarkInputException($"{step.Where}: guard '{step.Guard}' takes no '{setting}'");
    }

    /// <summary>Pipelines that run the same families share one detector: building the pattern engine is the costly part.</summary>
    private static DataLeakGuard SecretsGuard(GuardStepPolicy step, RuleCatalog catalog, Dictionary<string, DataLeakGuard> built)
    {
        var families = step.Families.Count > 0 ? step.Families : ["secret"];
        var key = string.Join(',', families.Order(StringComparer.Ordinal));
        if (built.TryGetValue(key, out var guard)) return guard;
        var unknown = families.FirstOrDefault(f => !catalog.Rules.Any(r => r.Family == f));
        if (unknown is not null) throw new BulwarkInputException($"{step.Where}: no rules of family '{unknown}' are loaded");
        return built[key] = DataLeakGuard.ForFamilies(catalog, families.ToHashSet(StringComparer.Ordinal));
    }
}
