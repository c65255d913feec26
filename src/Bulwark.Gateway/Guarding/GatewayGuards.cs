using Bulwark.Data;
using Bulwark.Data.Anonymization;
using Bulwark.Gateway.Configuration;
using Bulwark.Kernel;
using Bulwark.Kernel.Guards;
using Bulwark.Kernel.RulePacks;
using Bulwark.Scanning;
using Bulwark.Gateway.Telemetry;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Guarding;

/// <summary>
/// The library's guards as the gateway uses them, built once at start-up: the policy's input, output and document
/// pipelines; the data detector that finds what pseudonymisation masks; and what the policy implies for each
/// request (plant a canary or not). All detection is the library's; this class only composes it.
/// </summary>
public sealed class GatewayGuards
{
    private static readonly AnonymizationPolicy PseudonymizeAll = AnonymizationPolicy.All("pseudonymize");

    // The vault is never saved, so its key only has to exist for the process's lifetime.
    private readonly AnonymizationKey _vaultKey = AnonymizationKey.Generate();

    /// <param name="dataDetector">One built before from the same catalog (the detector does not depend on the policy), or null to build one.</param>
    public GatewayGuards(GuardOptions options, RuleCatalog catalog, TextDetector? dataDetector = null)
    {
        Options = options;
        Policy = options.PolicyPath is { } path ? GuardPolicy.LoadFile(path) : GuardPolicy.Default();
        Pipelines = GuardPipelines.Build(Policy, catalog);
        DataDetector = dataDetector ?? new TextDetector(Scanner.ScannedRules(catalog), ScanLimits.Default, TimeProvider.System);
        // A canary is planted only where an enforced output step checks for it: otherwise it could reach the client.
        PlantsCanary = options.Canary && !Policy.LogOnly && Policy.Output.Any(s => s.Guard == "canary" && !s.LogOnly);
        WarmUp();
    }

    public GuardOptions Options { get; }

    public GuardPolicy Policy { get; }

    public GuardPipelines Pipelines { get; }

    /// <summary>Every data rule (secrets, and PII as its packs land): what pseudonymisation and redacted excerpts mask.</summary>
    public TextDetector DataDetector { get; }

    public bool PlantsCanary { get; }

    /// <summary>
    /// A fresh per-request anonymiser whose vault maps this request's placeholders (backed by <paramref name="shared"/>,
    /// the key's vault in Redis, when there is one), or null when pseudonymisation is off.
    /// </summary>
    public Anonymizer? CreatePseudonymizer(IPseudonymStore? shared = null) => Options.Pseudonymize ? new Anonymizer(PseudonymizeAll, _vaultKey, new PseudonymVault(shared)) : null;

    /// <summary>Text with every detected secret or PII value replaced by its type: safe for an audit excerpt.</summary>
    public string Scrub(string text) => new Anonymizer(AnonymizationPolicy.ReplaceAll).Anonymize(text, DataDetector).Text;

    /// <summary>
    /// Runs every pipeline once before the first request: the classifier loads lazily and the first pass JIT-compiles
    /// the guards, which would otherwise overrun a step's timeout and fail the first real request closed.
    /// </summary>
    private void WarmUp()
    {
        const string sample = "Hello, please summarise this paragraph for me.";
        foreach (var stage in (GuardStage[])[GuardStage.Input, GuardStage.Documents, GuardStage.Output])
        {
            foreach (var step in Pipelines.For(stage).Steps) step.Guard.Inspect(sample, GuardContext.Empty, CancellationToken.None);
        }
        DataDetector.MatchText(sample);
    }

    public Verdict Check(GuardStage stage, string text, GuardContext? context = null, CancellationToken cancellationToken = default)
    {
        using var span = GuardSpans.Start(stage);
        var verdict = Pipelines.For(stage).Run(text, context, cancellationToken);
        GuardSpans.Describe(span, verdict);
        return verdict;
    }
}
