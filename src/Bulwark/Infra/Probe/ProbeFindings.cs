using Bulwark.Kernel;

namespace Bulwark.Infra.Probe;

/// <summary>
/// Turns probe results into findings: one <see cref="RuleId"/> finding per identified AI service that answered its
/// access check without authentication. The rule is declared in the infra rule pack.
/// </summary>
public static class ProbeFindings
{
    public const string RuleId = "BW-INFRA-PROBE-UNAUTHENTICATED";
    public const string RuleName = "AI service reachable without authentication";

    /// <summary>Missing authentication for a critical function; MITRE ATLAS "Exploit Public-Facing Application".</summary>
    public static IReadOnlyList<string> Tags { get; } = ["cwe:CWE-306", "atlas:AML.T0049"];

    // The generic OpenAI-compatible shape says "some model server", not which: a real finding, less certain.
    private const string GenericService = "openai-compatible";

    public static IReadOnlyList<Finding> From(IEnumerable<EndpointResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return [.. results.Where(r => r.IsUnauthenticatedService).Select(ToFinding)];
    }

    private static Finding ToFinding(EndpointResult result)
    {
        var service = result.Service!;
        var access = result.AccessEvidence;
        var confidence = service.Id == GenericService ? Confidence.Medium : Confidence.High;
        var version = result.Version is null ? "" : " " + result.Version;
        return new Finding
        {
            RuleId = RuleId,
            RuleName = RuleName,
            Pillar = Pillar.Infrastructure,
            Severity = service.Severity,
            Confidence = confidence,
            Message = $"{service.Name}{version} at {result.Url} answers {access?.Request ?? "its API"} without authentication",
            Location = new Location(result.Url, 1, 1, 1, 1, 0, 0) { Place = access?.Request },
            Evidence = access?.ToString() ?? service.Id,
            Fingerprint = Fingerprints.Of(RuleId, result.Url, service.Id),
            Tags = Tags,
            Score = confidence == Confidence.High ? 0.9 : 0.6,
            EntityType = "AI_SERVICE",
        };
    }
}
