using Bulwark.Kernel;

namespace Bulwark.Governance.Assessment;

/// <summary>
/// Decides the gateway checks from the gateway's configuration and guard policy. Each fact is a small test over the
/// settings; the settings it read (with file and line) are its evidence. Without a gateway every check fails with
/// the same evidence: nothing guards the traffic.
/// </summary>
public static class GatewayChecks
{
    /// <summary>Keys older than this should have been rotated.</summary>
    public static readonly TimeSpan RotateAfter = TimeSpan.FromDays(90);

    private delegate (CheckOutcome Outcome, List<Evidence> Evidence) Fact(GatewayPosture gateway, DateTimeOffset now);

    private static readonly Dictionary<string, Fact> Facts = new(StringComparer.Ordinal)
    {
        ["gateway-present"] = (g, _) => (CheckOutcome.Pass, [Setting(g.Setting("listen"), $"gateway configuration {g.ConfigPath}", g.ConfigPath)]),
        ["guards-enforced"] = EveryPolicy(GuardsEnforced),
        ["prompt-attack-guards"] = EveryPolicy(PromptAttackGuards),
        ["output-guards"] = EveryPolicy(OutputGuards),
        ["limits"] = Limits,
        ["prompt-data-protection"] = PromptDataProtection,
        ["upstream-credentials"] = UpstreamCredentials,
        ["audit"] = Audit,
        ["key-rotation"] = KeyRotation,
    };

    /// <summary>The fact names assessment-checks.yaml may use.</summary>
    public static IReadOnlyCollection<string> Known => Facts.Keys;

    /// <param name="gateway">Null when the project has no gateway configuration.</param>
    /// <param name="searched">Where a configuration was looked for, for the evidence when none was found.</param>
    public static IEnumerable<CheckResult> Evaluate(IEnumerable<FactCheckDefinition> definitions, GatewayPosture? gateway, string searched, DateTimeOffset now)
    {
        foreach (var definition in definitions)
        {
            var check = definition.Check;
            var fact = Facts.TryGetValue(definition.Fact, out var f) ? f : throw new InvalidOperationException($"{check.Id}: unknown gateway fact '{definition.Fact}'");
            var (outcome, evidence) = gateway is null
                ? (CheckOutcome.Fail, [new Evidence(EvidenceKind.Gateway, "gateway", $"no Bulwark gateway configuration found ({searched}): model calls go straight to the providers, unguarded")])
                : fact(gateway, now);
            yield return new CheckResult(check.Id, check.Pillar, check.Title, CheckSource.Gateway, check.Weight, outcome, evidence, check.Tags, check.Remediation);
        }
    }

    private delegate (CheckOutcome Outcome, List<Evidence> Evidence) PolicyFact(GuardPolicyFacts policy);

    /// <summary>
    /// A guard fact holds only as well as the weakest policy the gateway can apply: a key, team or model may pick any
    /// of them. Each policy's evidence is named when there is more than one; a missing policy file fails.
    /// </summary>
    private static Fact EveryPolicy(PolicyFact fact) => (g, _) =>
    {
        var results = g.Policies.Select(p => (Policy: p, Result: p.Missing
            ? (CheckOutcome.Fail, [new Evidence(EvidenceKind.Gateway, "guards.policy", $"the guard policy file {p.Source} does not exist", p.Source)])
            : fact(p))).ToList();
        var worst = results.Select(r => r.Result.Item1).MaxBy(Severity);
        var named = g.Policies.Count > 1;
        return (worst, [.. results.SelectMany(r => r.Result.Item2.Select(e => named ? e with { Detail = $"policy {r.Policy.Name}: {e.Detail}" } : e))]);
    };

    private static int Severity(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Fail => 3,
        CheckOutcome.Unanswered => 2,
        CheckOutcome.Partial => 1,
        _ => 0,
    };

    private static (CheckOutcome, List<Evidence>) GuardsEnforced(GuardPolicyFacts p)
    {
        if (p.LogOnly) return (CheckOutcome.Fail, [Setting(p.Mode, "the guard policy only logs: nothing is blocked or redacted", p.Source)]);
        var logOnly = p.Steps.Where(s => s.LogOnly).ToList();
        if (logOnly.Count > 0) return (CheckOutcome.Partial, [.. logOnly.Select(s => Step(s, "this step only logs"))]);
        if (p.Steps.Count == 0) return (CheckOutcome.Fail, [new Evidence(EvidenceKind.Gateway, "guards.policy", $"the guard policy {p.Source} has no steps", p.Source)]);
        return (CheckOutcome.Pass, [Setting(p.Mode, $"{p.Steps.Count} guard steps enforce (mode: enforce)", p.Source)]);
    }

    private static (CheckOutcome, List<Evidence>) PromptAttackGuards(GuardPolicyFacts p)
    {
        var input = Blocking(p, "input", "prompt-attack");
        var documents = Blocking(p, "documents", "prompt-attack");
        List<Evidence> evidence =
        [
            input is null ? Missing(p, "input", "prompt-attack with action: block") : Step(input, "blocks prompt attacks in user messages"),
            documents is null ? Missing(p, "documents", "prompt-attack with action: block") : Step(documents, "blocks indirect injection in tool results and documents"),
        ];
        return (Grade((input is null ? 0 : 1) + (documents is null ? 0 : 1), 2), evidence);
    }

    private static (CheckOutcome, List<Evidence>) OutputGuards(GuardPolicyFacts p)
    {
        (string Need, string[] Guards)[] needs =
        [
            ("system-prompt leaks", ["canary", "system-prompt-leak"]),
            ("secrets in answers", ["secrets"]),
            ("exfiltration links", ["exfiltration-links"]),
        ];
        var evidence = new List<Evidence>();
        var met = 0;
        foreach (var (need, guards) in needs)
        {
            var step = p.Steps.FirstOrDefault(s => s.Stage == "output" && guards.Contains(s.Guard) && !s.LogOnly);
            if (step is null) evidence.Add(Missing(p, "output", $"{string.Join(" or ", guards)} (for {need})"));
            else
            {
                met++;
                evidence.Add(Step(step, $"checks answers for {need}"));
            }
        }
        return (Grade(met, needs.Length), evidence);
    }

    private static (CheckOutcome, List<Evidence>) Limits(GatewayPosture g, DateTimeOffset now)
    {
        var rpm = g.Setting("limits.default-rpm");
        var body = g.Setting("limits.max-body-bytes");
        var evidence = new List<Evidence>
        {
            rpm is null ? new Evidence(EvidenceKind.Gateway, "limits.default-rpm", "not set: keys created without --rpm have no request rate limit", g.ConfigPath) : Setting(rpm, $"default rate limit {rpm.Value} requests per minute", g.ConfigPath),
            body is null ? new Evidence(EvidenceKind.Gateway, "limits.max-body-bytes", "not set: the gateway's 1 MiB default bounds request bodies", g.ConfigPath) : Setting(body, $"request bodies bounded at {body.Value} bytes", g.ConfigPath),
        };
        return (rpm is null ? CheckOutcome.Partial : CheckOutcome.Pass, evidence);
    }

    private static (CheckOutcome, List<Evidence>) PromptDataProtection(GatewayPosture g, DateTimeOffset now)
    {
        if (g.Setting("guards.pseudonymize") is { Value: "true" } pseudonymize)
            return (CheckOutcome.Pass, [Setting(pseudonymize, "secrets and personal data in prompts become placeholders upstream, whatever the policy", g.ConfigPath)]);
        return EveryPolicy(p =>
        {
            var redact = p.Steps.FirstOrDefault(s => s.Stage == "input" && s.Guard == "secrets" && s.Action is "redact" or "block" && !s.LogOnly);
            return redact is null
                ? (CheckOutcome.Fail, [Missing(p, "input", "guards.pseudonymize: true, or a secrets step with action: redact")])
                : (CheckOutcome.Partial, [Step(redact, $"secrets in prompts are {redact.Action}ed; personal data is not masked (guards.pseudonymize is off)")]);
        })(g, now);
    }

    private static (CheckOutcome, List<Evidence>) UpstreamCredentials(GatewayPosture g, DateTimeOffset now)
    {
        var keys = g.Settings.Values.Where(s => s.Key.StartsWith("upstreams[", StringComparison.Ordinal) && s.Key.EndsWith("].api-key", StringComparison.Ordinal)).OrderBy(s => s.Line).ToList();
        if (keys.Count == 0) return (CheckOutcome.Pass, [new Evidence(EvidenceKind.Gateway, "upstreams", "no upstream credential is written in the file", g.ConfigPath)]);
        var literal = keys.Where(k => !k.Value.StartsWith("env:", StringComparison.Ordinal)).ToList();
        // The value is never copied into the report: a literal key is a secret.
        return literal.Count == 0
            ? (CheckOutcome.Pass, [.. keys.Select(k => Setting(k, $"read from the environment ({k.Value})", g.ConfigPath))])
            : (CheckOutcome.Fail, [.. literal.Select(k => Setting(k, "a literal provider key in the configuration file", g.ConfigPath))]);
    }

    private static (CheckOutcome, List<Evidence>) Audit(GatewayPosture g, DateTimeOffset now)
    {
        var excerpt = g.Setting("audit.prompt-excerpt");
        return excerpt?.Value switch
        {
            "redacted" or "hashed" or "full-encrypted" => (CheckOutcome.Pass, [Setting(excerpt, $"every request is audited with a {excerpt.Value} prompt excerpt", g.ConfigPath)]),
            _ => (CheckOutcome.Partial, [excerpt is null
                ? new Evidence(EvidenceKind.Gateway, "audit.prompt-excerpt", "not set (none): requests are audited without any prompt evidence", g.ConfigPath)
                : Setting(excerpt, "requests are audited without any prompt evidence", g.ConfigPath)]),
        };
    }

    private static (CheckOutcome, List<Evidence>) KeyRotation(GatewayPosture g, DateTimeOffset now)
    {
        if (g.Keys is null)
            return (CheckOutcome.Unanswered, [new Evidence(EvidenceKind.Gateway, "keys", "the gateway's key database was not given (--gateway-db): key age and ownership are unknown")]);
        var active = g.Keys.Where(k => k.Revoked is null).ToList();
        var stale = active.Where(k => now - k.Created > RotateAfter).OrderBy(k => k.Created).ToList();
        if (stale.Count > 0)
            return (CheckOutcome.Fail, [.. stale.Select(k => new Evidence(EvidenceKind.Gateway, k.Id, $"team {k.Team}: active since {k.Created:yyyy-MM-dd}, {(int)(now - k.Created).TotalDays} days, not rotated"))]);
        return (CheckOutcome.Pass, [new Evidence(EvidenceKind.Gateway, "keys", $"{active.Count} active keys, none older than {RotateAfter.TotalDays:0} days")]);
    }

    private static GuardStepSetting? Blocking(GuardPolicyFacts p, string stage, string guard) =>
        p.Steps.FirstOrDefault(s => s.Stage == stage && s.Guard == guard && s.Action == "block" && !s.LogOnly);

    private static CheckOutcome Grade(int met, int of) => met == of ? CheckOutcome.Pass : met == 0 ? CheckOutcome.Fail : CheckOutcome.Partial;

    private static Evidence Step(GuardStepSetting step, string detail) =>
        new(EvidenceKind.Gateway, $"{step.Stage}: {step.Guard} ({step.Action})", detail, step.File, step.Line);

    private static Evidence Missing(GuardPolicyFacts p, string stage, string what) =>
        new(EvidenceKind.Gateway, $"{stage} stage", $"no {what} in {p.Source}", p.Source);

    private static Evidence Setting(GatewaySetting? setting, string detail, string file) =>
        setting is null ? new Evidence(EvidenceKind.Gateway, "gateway", detail, file) : new Evidence(EvidenceKind.Gateway, setting.Key, detail, setting.File, setting.Line);
}
