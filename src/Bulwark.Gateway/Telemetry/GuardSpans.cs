using System.Diagnostics;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Telemetry;

/// <summary>A child span per guard pipeline run (<c>bulwark.guard input</c>): its stage, verdict and rule ids, never the text.</summary>
internal static class GuardSpans
{
    public static Activity? Start(GuardStage stage)
    {
        if (!GatewayTelemetry.Source.HasListeners()) return null;
        var name = stage.ToString().ToLowerInvariant();
        var span = GatewayTelemetry.Source.StartActivity("bulwark.guard " + name);
        span?.SetTag(GatewayTelemetry.GuardStage, name);
        return span;
    }

    public static void Describe(Activity? span, Verdict verdict)
    {
        if (span is null) return;
        span.SetTag(GatewayTelemetry.Verdict, verdict.Action.ToString().ToLowerInvariant());
        var rules = verdict.Hits.Select(h => h.RuleId).Distinct(StringComparer.Ordinal).ToArray();
        if (rules.Length > 0) span.SetTag(GatewayTelemetry.Rules, rules);
    }
}
