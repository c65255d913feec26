using Bulwark.Governance.Catalogs;
using Bulwark.Kernel;

namespace Bulwark.Governance.Assessment;

/// <summary>Everything one assessment reads; <see cref="ProjectAssessment"/> in the scanning layer gathers it from a project tree.</summary>
public sealed record AssessmentInput
{
    public required ScanResult Scan { get; init; }
    public required string Root { get; init; }

    /// <summary>Null when the project has no gateway configuration; <see cref="GatewaySearched"/> says where one was looked for.</summary>
    public GatewayPosture? Gateway { get; init; }
    public required string GatewaySearched { get; init; }
    public required InventoryEvidence Inventory { get; init; }

    /// <summary>Null when the project has no questionnaire; <see cref="QuestionnaireSearched"/> says where one was looked for.</summary>
    public QuestionnaireAnswers? Answers { get; init; }
    public required string QuestionnaireSearched { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>What the project has (<see cref="ProjectTraits"/>); by default, taken from the inventory's discovery.</summary>
    public IReadOnlySet<string>? Traits { get; init; }
    public DateTimeOffset AssessedAt { get; init; } = DateTimeOffset.UtcNow;
    public string ToolVersion { get; init; } = "0.0.0";
    public FrameworkCatalog Catalog { get; init; } = FrameworkCatalog.Embedded;
}

/// <summary>
/// Scores a project's posture (docs/governance-assess.md). Each check earns full, half or no credit; a pillar's score is
/// 100 × the weighted credit of its checks over their total weight; the overall score is the mean of the five pillars,
/// which IBM's framework weighs equally. Remediation is ranked by the overall points a fix would win back.
/// </summary>
public static class PostureAssessor
{
    private const int MaxPlacesPerRemedy = 5;

    public static PostureAssessment Assess(AssessmentInput input, AssessmentChecks? definitions = null)
    {
        definitions ??= AssessmentChecks.Embedded;
        var checks = ScanChecks.Evaluate(definitions.Scan, input.Scan, input.Traits ?? TraitsOf(input.Inventory))
            .Concat(GatewayChecks.Evaluate(definitions.Gateway, input.Gateway, input.GatewaySearched, input.AssessedAt))
            .Concat(InventoryChecks.Evaluate(definitions.Inventory, input.Inventory))
            .Concat(QuestionChecks.Evaluate(definitions.Questions, input.Answers, input.QuestionnaireSearched))
            .OrderBy(c => c.Pillar).ThenBy(c => c.Source).ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        var pillars = Enum.GetValues<Pillar>().Select(p => Score(p, checks)).ToList();
        var overall = pillars.Average(p => p.Score);
        var sources = new AssessmentSources(input.Root, input.Scan.Statistics.FilesScanned, input.Scan.Findings.Count,
            input.Inventory.Declared?.Path, input.Answers?.Path, input.Gateway?.ConfigPath,
            input.Gateway?.Keys is null ? null : $"{input.Gateway.Keys.Count} keys", input.Notes);
        return new PostureAssessment(input.AssessedAt, input.ToolVersion, Math.Round(overall, 1), pillars, checks,
            Coverage(checks, input.Catalog), Remediation(checks, pillars), sources);
    }

    private static HashSet<string> TraitsOf(InventoryEvidence inventory) =>
        inventory.Reconciled.Entries.SelectMany(e => e.Discovered).Any(u => u.Source == Inventory.DiscoverySource.ModelFile) ? [ProjectTraits.ModelFiles] : [];

    private static PillarScore Score(Pillar pillar, List<CheckResult> checks)
    {
        var counted = checks.Where(c => c.Pillar == pillar && c.Counts).ToList();
        var possible = counted.Sum(c => c.Weight);
        var earned = counted.Sum(c => c.Weight * c.Credit);
        var score = possible == 0 ? 0 : 100 * earned / possible;
        return new PillarScore(pillar, Math.Round(score, 1), earned, possible, [.. checks.Where(c => c.Pillar == pillar).Select(c => c.Id)]);
    }

    /// <summary>Per framework: a control is met when every counted check that evidences it passes, a gap when one falls short.</summary>
    private static List<FrameworkCoverage> Coverage(List<CheckResult> checks, FrameworkCatalog catalog)
    {
        var byControl = new Dictionary<(string Framework, string Item), List<CheckResult>>();
        foreach (var check in checks.Where(c => c.Counts))
        {
            foreach (var control in catalog.Resolve(check.Tags))
            {
                var key = (control.Framework.Id, control.Item.Id);
                if (!byControl.TryGetValue(key, out var list)) byControl[key] = list = [];
                if (!list.Contains(check)) list.Add(check);
            }
        }
        return [.. catalog.Frameworks.Select(framework => new FrameworkCoverage(framework.Id, framework.Name, [.. framework.Controls.Select(item =>
        {
            var evidencing = byControl.GetValueOrDefault((framework.Id, item.Id)) ?? [];
            var state = evidencing.Count == 0 ? ControlState.NotAssessed : evidencing.All(c => c.Credit >= 1) ? ControlState.Met : ControlState.Gap;
            return new ControlStatus(item.Id, item.Title, state, [.. evidencing.Select(c => c.Id)]);
        })]))];
    }

    private static List<RemediationItem> Remediation(List<CheckResult> checks, List<PillarScore> pillars)
    {
        var possible = pillars.ToDictionary(p => p.Pillar, p => p.Possible);
        var pillarCount = pillars.Count;
        return [.. checks.Where(c => c.Counts && c.Credit < 1)
            .Select(c => (Check: c, Gain: possible[c.Pillar] == 0 ? 0 : c.Weight * (1 - c.Credit) / possible[c.Pillar] * 100 / pillarCount))
            .OrderByDescending(x => x.Gain).ThenByDescending(x => x.Check.WorstSeverity ?? Severity.Info).ThenBy(x => x.Check.Id, StringComparer.Ordinal)
            .Select((x, i) => new RemediationItem(i + 1, x.Check.Id, x.Check.Pillar, x.Check.Title, x.Check.Remediation, Math.Round(x.Gain, 1), x.Check.WorstSeverity, Places(x.Check)))];
    }

    private static List<string> Places(CheckResult check)
    {
        var places = check.Evidence.Where(e => e.File is not null).Select(e => e.Line is null ? e.File! : $"{e.File}:{e.Line}").Distinct().ToList();
        return places.Count <= MaxPlacesPerRemedy ? places : [.. places.Take(MaxPlacesPerRemedy), $"… {places.Count - MaxPlacesPerRemedy} more"];
    }
}
