using Bulwark.Data.Anonymization;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// One request's texts on their way through the input and documents pipelines, whatever API they came in: each text
/// is pseudonymised first when that is on (one vault for the whole request, so the answer can be restored), then
/// judged; the first Block ends the pass. The API-specific guards decide which texts go to which pipeline.
/// </summary>
/// <param name="sharedVault">The key's shared vault (Redis), or null for a vault of this request alone.</param>
internal sealed class RequestTextGuard(GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken)
{
    public Anonymizer? Pseudonymizer { get; } = guards.CreatePseudonymizer(sharedVault);

    public Verdict? BlockedBy { get; private set; }

    public GuardStage BlockedStage { get; private set; } = GuardStage.Input;

    /// <summary>The last user text as it goes upstream (what audit.prompt-excerpt keeps).</summary>
    public string? LastUserText { get; private set; }

    /// <summary>The text to send upstream, or null when a guard blocked it (see <see cref="BlockedBy"/>).</summary>
    public string? Check(GuardStage stage, string text)
    {
        if (Pseudonymizer is not null)
        {
            var masked = Pseudonymizer.Anonymize(text, guards.DataDetector);
            if (masked.Items.Count > 0) findings.Raise(GuardAction.Redact);
            text = masked.Text;
        }
        var verdict = guards.Check(stage, text, cancellationToken: cancellationToken);
        findings.Add(verdict);
        if (verdict.IsBlocked)
        {
            (BlockedBy, BlockedStage, LastUserText) = (verdict, stage, text);
            return null;
        }
        if (stage == GuardStage.Input) LastUserText = verdict.Text;
        return verdict.Text!;
    }

    /// <summary>The outcome: blocked, or allowed with the answer's guard context.</summary>
    public GuardedRequest Result(GuardContext outputContext) =>
        BlockedBy is { } verdict ? new GuardedRequest(verdict, BlockedStage, GuardContext.Empty, Pseudonymizer, LastUserText, guards) : new GuardedRequest(null, GuardStage.Input, outputContext, Pseudonymizer, LastUserText, guards);
}
