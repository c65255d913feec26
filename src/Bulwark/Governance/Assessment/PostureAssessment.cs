using Bulwark.Kernel;

namespace Bulwark.Governance.Assessment;

/// <summary>How a check came out. <see cref="Unanswered"/> scores like <see cref="Fail"/> but says the evidence is missing, not bad.</summary>
public enum CheckOutcome
{
    Pass,
    Partial,
    Fail,
    Unanswered,
    NotApplicable,
}

/// <summary>Where a check's outcome comes from.</summary>
public enum CheckSource
{
    Scan,
    Gateway,
    Inventory,
    Questionnaire,
}

/// <summary>What a piece of evidence is: a finding, a clean scan, a questionnaire answer, a gateway setting, an inventory entry.</summary>
public enum EvidenceKind
{
    Finding,
    Scan,
    Answer,
    Gateway,
    Inventory,
}

/// <summary>
/// One fact a check's outcome rests on, precise enough for an auditor to find it again: a finding's rule, file, line
/// and fingerprint; a questionnaire answer's id and its file line; a gateway setting's key and line.
/// </summary>
public sealed record Evidence(EvidenceKind Kind, string Reference, string Detail, string? File = null, int? Line = null, string? Fingerprint = null, Severity? Severity = null);

/// <summary>One scored check: its outcome, the credit it earns (0–1), and everything that decided it.</summary>
public sealed record CheckResult(
    string Id,
    Pillar Pillar,
    string Title,
    CheckSource Source,
    double Weight,
    CheckOutcome Outcome,
    IReadOnlyList<Evidence> Evidence,
    IReadOnlyList<string> Tags,
    string Remediation)
{
    /// <summary>Full credit for a pass, half for a partial, none otherwise.</summary>
    public double Credit => Outcome switch
    {
        CheckOutcome.Pass => 1,
        CheckOutcome.Partial => 0.5,
        _ => 0,
    };

    public bool Counts => Outcome != CheckOutcome.NotApplicable;

    /// <summary>The worst severity among the findings behind this check, if any.</summary>
    public Severity? WorstSeverity => Evidence.Where(e => e.Severity is not null).Select(e => e.Severity).Max();
}

/// <summary>A pillar's score: 100 × the weighted credit of its checks over their weight (not-applicable checks left out).</summary>
public sealed record PillarScore(Pillar Pillar, double Score, double Earned, double Possible, IReadOnlyList<string> Checks);

/// <summary>Whether a framework control is evidenced as met, shows a gap, or is touched by no check.</summary>
public enum ControlState
{
    Met,
    Gap,
    NotAssessed,
}

public sealed record ControlStatus(string Id, string Title, ControlState State, IReadOnlyList<string> Checks);

/// <summary>How much of one framework's controls the assessment evidences.</summary>
public sealed record FrameworkCoverage(string Framework, string Name, IReadOnlyList<ControlStatus> Controls)
{
    public int Met => Controls.Count(c => c.State == ControlState.Met);
    public int Gaps => Controls.Count(c => c.State == ControlState.Gap);
    public int NotAssessed => Controls.Count(c => c.State == ControlState.NotAssessed);
    public double MetShare => Controls.Count == 0 ? 0 : (double)Met / Controls.Count;
}

/// <summary>One thing to fix, ranked by the overall score points it would win back.</summary>
public sealed record RemediationItem(int Rank, string Check, Pillar Pillar, string Title, string Action, double Gain, Severity? WorstSeverity, IReadOnlyList<string> Where);

/// <summary>What the assessment read, so a reader knows what it did and did not see.</summary>
public sealed record AssessmentSources(string Root, int FilesScanned, int Findings, string? Inventory, string? Questionnaire, string? GatewayConfig, string? GatewayKeys, IReadOnlyList<string> Notes);

/// <summary>The five-pillar posture of a project: scores traced to checks, checks traced to evidence, framework coverage, remediation.</summary>
public sealed record PostureAssessment(
    DateTimeOffset AssessedAt,
    string ToolVersion,
    double Overall,
    IReadOnlyList<PillarScore> Pillars,
    IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<FrameworkCoverage> Frameworks,
    IReadOnlyList<RemediationItem> Remediation,
    AssessmentSources Sources,
    AssessmentDiff? Diff = null)
{
    public PillarScore ScoreOf(Pillar pillar) => Pillars.First(p => p.Pillar == pillar);
}

/// <summary>The trend against a previous assessment: score deltas and the checks whose outcome changed.</summary>
public sealed record AssessmentDiff(string PreviousPath, DateTimeOffset PreviousAssessedAt, double PreviousOverall, IReadOnlyList<PillarDelta> Pillars, IReadOnlyList<CheckChange> Changes)
{
    public double OverallDelta(double current) => current - PreviousOverall;
}

public sealed record PillarDelta(Pillar Pillar, double Previous, double Current)
{
    public double Delta => Current - Previous;
}

/// <summary>A check whose outcome changed; <see cref="Previous"/> or <see cref="Current"/> is null when the check is new or gone.</summary>
public sealed record CheckChange(string Check, string Title, CheckOutcome? Previous, CheckOutcome? Current);
