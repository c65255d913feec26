using Bulwark.Kernel;

namespace Bulwark.Governance.Assessment;

/// <summary>
/// Decides the scan checks from the findings: pass with none (informational findings aside), partial when the worst
/// is low or medium, fail at high or critical. Every finding behind a check is its evidence; a clean check's evidence
/// is the scan itself (which rules ran over how many files).
/// </summary>
public static class ScanChecks
{
    /// <summary>Findings listed one by one per check, worst first; the rest are counted by rule (the scan report lists them all).</summary>
    public const int MaxFindingsPerCheck = 200;

    /// <param name="traits">What the project has (<see cref="ProjectTraits"/>), for checks that require something.</param>
    public static IEnumerable<CheckResult> Evaluate(IEnumerable<ScanCheckDefinition> definitions, ScanResult scan, IReadOnlySet<string> traits)
    {
        foreach (var definition in definitions)
        {
            var check = definition.Check;
            // A clean scan of nothing, or of a project without what the check is about, is no evidence of anything.
            var absent = scan.Statistics.FilesScanned == 0 ? "the scan read no file"
                : definition.Requires is { } required && !traits.Contains(required) ? ProjectTraits.Absent(required)
                : null;
            if (absent is not null)
            {
                yield return new CheckResult(check.Id, check.Pillar, check.Title, CheckSource.Scan, check.Weight, CheckOutcome.NotApplicable,
                    [new Evidence(EvidenceKind.Scan, string.Join(", ", definition.RulePrefixes.Select(p => p + "*")), absent)], check.Tags, check.Remediation);
                continue;
            }
            var findings = scan.Findings
                .Where(f => f.Severity > Severity.Info && definition.RulePrefixes.Any(p => f.RuleId.StartsWith(p, StringComparison.Ordinal)))
                .OrderByDescending(f => f.Severity).ThenBy(f => f.Location.Path, StringComparer.Ordinal).ThenBy(f => f.Location.Line)
                .ToList();
            var worst = findings.Count == 0 ? (Severity?)null : findings[0].Severity;
            var outcome = worst switch
            {
                null => CheckOutcome.Pass,
                >= Severity.High => CheckOutcome.Fail,
                _ => CheckOutcome.Partial,
            };
            IReadOnlyList<Evidence> evidence = findings.Count == 0
                ? [new Evidence(EvidenceKind.Scan, string.Join(", ", definition.RulePrefixes.Select(p => p + "*")),
                    $"no finding in {scan.Statistics.FilesScanned:N0} scanned files")]
                : [.. findings.Take(MaxFindingsPerCheck).Select(f => new Evidence(EvidenceKind.Finding, f.RuleId, f.Message, f.Location.Path, f.Location.Line, f.Fingerprint, f.Severity)),
                   .. Rest(findings)];
            // A check evidences its own catalog items and those of the rules that fired.
            var tags = check.Tags.Concat(findings.SelectMany(f => f.Tags)).Distinct(StringComparer.Ordinal).ToList();
            yield return new CheckResult(check.Id, check.Pillar, check.Title, CheckSource.Scan, check.Weight, outcome, evidence, tags, check.Remediation);
        }
    }

    private static IEnumerable<Evidence> Rest(List<Finding> findings)
    {
        if (findings.Count <= MaxFindingsPerCheck) yield break;
        var byRule = findings.Skip(MaxFindingsPerCheck).GroupBy(f => f.RuleId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var counts = string.Join(", ", byRule.Take(10).Select(g => $"{g.Key} {g.Count():N0}")) + (byRule.Count > 10 ? $", {byRule.Count - 10} more rules" : "");
        yield return new Evidence(EvidenceKind.Scan, "more findings", $"… and {findings.Count - MaxFindingsPerCheck:N0} more findings ({counts}): `bulwark scan` lists them all", Severity: findings[MaxFindingsPerCheck].Severity);
    }
}
