using Bulwark.Data.Anonymization;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// What the guards made of a request, whatever its API: blocked (with the rule and the pipeline), or allowed, with
/// what the answer's guards need (the output context: system prompt and canary) and the vault that restores its
/// placeholders.
/// </summary>
public sealed record GuardedRequest(Verdict? BlockedBy, GuardStage Stage, GuardContext OutputContext, Anonymizer? Pseudonymizer, string? LastUserText)
{
    public bool IsBlocked => BlockedBy is not null;
}
