using Bulwark.Data.Anonymization;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// What the guards made of a request, whatever its API: blocked (with the rule and the pipeline), or allowed, with
/// what the answer's guards need (the output context: system prompt and canary) and the vault that restores its
/// placeholders. <paramref name="Guards"/> is the policy that judged it (the key's, team's, model's or the
/// default): the answer goes through the same one.
/// </summary>
public sealed record GuardedRequest(Verdict? BlockedBy, GuardStage Stage, GuardContext OutputContext, Anonymizer? Pseudonymizer, string? LastUserText, GatewayGuards Guards)
{
    public bool IsBlocked => BlockedBy is not null;
}
