using Bulwark.Governance.Assessment;
using Bulwark.Governance.Inventory;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Assessment;

/// <summary>The scoring arithmetic of docs/governance-assess.md, checked against values worked out by hand.</summary>
public sealed class PostureScoringTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_pillar_scores_the_weighted_credit_of_its_checks_and_leaves_out_not_applicable_ones()
    {
        // Usage questions: human oversight (weight 2) yes, transparency (1) partial, agent permissions (2) n/a.
        // Usage gateway checks all fail (no gateway): 3 + 2 + 3 + 2 + 1 = 11 weight, 0 credit. Scan check USAGE-PROMPT-CONTENT (2): pass.
        // Earned 2×1 + 1×0.5 + 2×1 = 4.5 of 2 + 1 + 2 + 11 = 16 → 28.125 → 28.1.
        var answers = Answers("""
            answers:
              USAGE-HUMAN-OVERSIGHT: yes
              USAGE-TRANSPARENCY: partial
              USAGE-AGENT-PERMISSIONS:
                answer: n/a
                note: no tools
            """);
        var assessment = PostureAssessor.Assess(Input(answers: answers));
        var usage = assessment.ScoreOf(Pillar.Usage);
        Assert.Equal((4.5, 16.0, 28.1), (usage.Earned, usage.Possible, usage.Score));
        Assert.Equal(CheckOutcome.NotApplicable, assessment.Checks.Single(c => c.Id == "USAGE-AGENT-PERMISSIONS").Outcome);
        Assert.DoesNotContain(assessment.Remediation, r => r.Check is "USAGE-AGENT-PERMISSIONS" or "USAGE-HUMAN-OVERSIGHT");
    }

    [Fact]
    public void Scan_checks_pass_without_findings_are_partial_up_to_medium_and_fail_from_high()
    {
        var findings = new[] { Finding("BW-DATA-PII-EMAIL", Severity.Medium), Finding("BW-DATA-PII-DATE", Severity.Info), Finding("BW-MODEL-PICKLE-EXEC", Severity.Critical) };
        var assessment = PostureAssessor.Assess(Input(findings));
        Assert.Equal(CheckOutcome.Partial, Check(assessment, "DATA-PERSONAL").Outcome);
        Assert.Equal(CheckOutcome.Fail, Check(assessment, "MODEL-ARTIFACTS").Outcome);
        Assert.Equal(CheckOutcome.Pass, Check(assessment, "DATA-SECRETS").Outcome);
        // The info finding is not evidence; the clean check's evidence is the scan itself.
        Assert.Single(Check(assessment, "DATA-PERSONAL").Evidence);
        Assert.Equal(EvidenceKind.Scan, Check(assessment, "DATA-SECRETS").Evidence.Single().Kind);
    }

    [Fact]
    public void A_scan_check_is_not_applicable_to_a_project_without_what_it_is_about_or_to_an_empty_scan()
    {
        var noModels = PostureAssessor.Assess(Input() with { Traits = new HashSet<string>() });
        var models = Check(noModels, "MODEL-ARTIFACTS");
        Assert.Equal((CheckOutcome.NotApplicable, "the project holds no model file"), (models.Outcome, models.Evidence.Single().Detail));
        Assert.Equal(CheckOutcome.Pass, Check(noModels, "DATA-SECRETS").Outcome);

        var empty = Input();
        var nothingScanned = PostureAssessor.Assess(empty with { Scan = empty.Scan with { Statistics = empty.Scan.Statistics with { FilesScanned = 0 } } });
        Assert.All(nothingScanned.Checks.Where(c => c.Source == CheckSource.Scan), c => Assert.Equal(CheckOutcome.NotApplicable, c.Outcome));
    }

    [Fact]
    public void A_check_lists_its_worst_findings_one_by_one_and_counts_the_rest_by_rule()
    {
        var findings = Enumerable.Range(0, ScanChecks.MaxFindingsPerCheck + 50)
            .Select(i => Finding(i < 5 ? "BW-DATA-SECRET-OPENAI" : i % 2 == 0 ? "BW-DATA-SECRET-GENERIC" : "BW-DATA-SECRET-JWT", i < 5 ? Severity.Critical : Severity.Low) with { Fingerprint = $"fp{i}" })
            .ToList();
        var evidence = Check(PostureAssessor.Assess(Input(findings)), "DATA-SECRETS").Evidence;
        Assert.Equal(ScanChecks.MaxFindingsPerCheck + 1, evidence.Count);
        Assert.All(evidence.Take(5), e => Assert.Equal(Severity.Critical, e.Severity));
        var rest = evidence[^1];
        Assert.Equal((EvidenceKind.Scan, "more findings"), (rest.Kind, rest.Reference));
        Assert.StartsWith("… and 50 more findings (BW-DATA-SECRET-GENERIC 25, BW-DATA-SECRET-JWT 25)", rest.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Remediation_is_ranked_by_the_overall_points_a_fix_wins_back()
    {
        // Model pillar without answers: MODEL-ARTIFACTS (3) fails, the three model questions (2, 2, 1) are unanswered:
        // possible 8. Fixing MODEL-ARTIFACTS wins 3/8 of the pillar, 37.5 points, a fifth of that overall: 7.5.
        var assessment = PostureAssessor.Assess(Input([Finding("BW-MODEL-PICKLE-EXEC", Severity.Critical)]));
        var item = assessment.Remediation.Single(r => r.Check == "MODEL-ARTIFACTS");
        Assert.Equal(7.5, item.Gain);
        Assert.Equal(1, item.Rank);
        Assert.Equal(assessment.Remediation.Select(r => r.Gain).OrderByDescending(g => g), assessment.Remediation.Select(r => r.Gain));
        Assert.Equal(Math.Round(assessment.Pillars.Average(p => p.Score), 1), assessment.Overall);
    }

    [Fact]
    public void Everything_passing_scores_one_hundred_with_an_empty_remediation_list()
    {
        var definitions = AssessmentChecks.Embedded;
        var yes = string.Join("\n", definitions.Questions.Select(q => $"  {q.Check.Id}: yes"));
        var assessment = PostureAssessor.Assess(Input(answers: Answers($"answers:\n{yes}")), Subset(definitions));
        Assert.All(assessment.Pillars, p => Assert.Equal(100, p.Score));
        Assert.Empty(assessment.Remediation);
    }

    [Fact]
    public void The_diff_reports_score_deltas_and_changed_checks()
    {
        using var dir = new TempDirectory();
        var before = PostureAssessor.Assess(Input([Finding("BW-DATA-SECRET-OPENAI", Severity.Critical)]) with { AssessedAt = Now.AddDays(-30) });
        var previous = dir.Combine("before.json");
        using (var stream = File.Create(previous)) AssessmentJsonWriter.Write(before, stream);

        var after = AssessmentDiffer.WithDiff(PostureAssessor.Assess(Input()), previous);
        var diff = after.Diff!;
        Assert.Equal(before.Overall, diff.PreviousOverall);
        var data = diff.Pillars.Single(p => p.Pillar == Pillar.Data);
        Assert.Equal(after.ScoreOf(Pillar.Data).Score - before.ScoreOf(Pillar.Data).Score, data.Delta, 6);
        Assert.True(data.Delta > 0);
        Assert.Equal([new CheckChange("DATA-SECRETS", Check(after, "DATA-SECRETS").Title, CheckOutcome.Fail, CheckOutcome.Pass)], diff.Changes);
    }

    [Fact]
    public void A_file_that_is_not_an_assessment_is_refused_as_previous()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("scan.json");
        File.WriteAllText(path, """{"tool":"bulwark","findings":[]}""");
        var error = Assert.Throws<BulwarkInputException>(() => AssessmentDiffer.WithDiff(PostureAssessor.Assess(Input()), path));
        Assert.Contains("not a `bulwark gov assess --format json` report", error.Message, StringComparison.Ordinal);
        File.WriteAllText(path, "{\"kind\": ");
        Assert.Throws<BulwarkInputException>(() => AssessmentDiffer.WithDiff(PostureAssessor.Assess(Input()), path));
    }

    internal static AssessmentInput Input(IReadOnlyList<Finding>? findings = null, QuestionnaireAnswers? answers = null, GatewayPosture? gateway = null, InventoryEvidence? inventory = null) => new()
    {
        Root = "project",
        Scan = new ScanResult { Findings = findings ?? [], Notes = [], Statistics = new ScanStatistics(10, 0, 1000, TimeSpan.Zero, 1, 0, Now) },
        Gateway = gateway,
        GatewaySearched = "project/gateway.yaml",
        Inventory = inventory ?? new InventoryEvidence("project/ai-inventory.yaml", null, null, new InventoryReport(null, [])),
        Answers = answers,
        QuestionnaireSearched = "project/ai-questionnaire.yaml",
        Traits = new HashSet<string> { ProjectTraits.ModelFiles },
        AssessedAt = Now,
    };

    internal static QuestionnaireAnswers Answers(string yaml) => QuestionnaireReader.Read(yaml, "ai-questionnaire.yaml");

    internal static Finding Finding(string rule, Severity severity) => new()
    {
        RuleId = rule,
        RuleName = rule,
        Pillar = PillarNames.TryFromRuleId(rule, out var pillar) ? pillar : Pillar.Data,
        Severity = severity,
        Confidence = Confidence.High,
        Message = $"{rule} found",
        Location = new Location("project/file.txt", 3, 1, 3, 10, 0, 9),
        Evidence = "…",
        Fingerprint = $"fp-{rule}",
    };

    private static CheckResult Check(PostureAssessment assessment, string id) => assessment.Checks.Single(c => c.Id == id);

    /// <summary>Only the scan checks and the questions: what can pass without a gateway or an inventory.</summary>
    private static AssessmentChecks Subset(AssessmentChecks all) => new(all.Scan, [], [], all.Questions);
}
