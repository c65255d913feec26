using Bulwark.Governance.Assessment;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Assessment;

/// <summary>The questionnaire and gateway readers: what they accept, and the file:line messages for what they do not.</summary>
public sealed class AssessmentInputTests
{
    [Fact]
    public void Answers_are_words_or_mappings_and_keep_their_lines()
    {
        var answers = QuestionnaireReader.Read("""
            version: 1
            answered-by: Platform team
            answers:
              GOV-POLICY: yes
              GOV-ROLES:
                answer: partial
                note: owners named for two of three systems
                evidence: wiki/ai-owners
            """, "q.yaml");
        Assert.Equal("Platform team", answers.AnsweredBy);
        Assert.Equal(new Answer("GOV-POLICY", AnswerValue.Yes, null, null, 4), answers.Answers["GOV-POLICY"]);
        Assert.Equal(new Answer("GOV-ROLES", AnswerValue.Partial, "owners named for two of three systems", "wiki/ai-owners", 5), answers.Answers["GOV-ROLES"]);
    }

    [Fact]
    public void Every_problem_of_a_questionnaire_is_reported_with_its_line_and_column()
    {
        var error = Assert.Throws<BulwarkInputException>(() => QuestionnaireReader.Read("""
            version: 2
            colour: blue
            answers:
              GOV-NOPE: yes
              GOV-POLICY: maybe
              GOV-ROLES:
                answer: n/a
              GOV-LITERACY:
                note: forgot the answer
            """, "q.yaml"));
        var lines = error.Message.Split(Environment.NewLine);
        Assert.Equal(6, lines.Length);
        Assert.Contains("q.yaml:2:1: unknown key 'colour'", error.Message, StringComparison.Ordinal);
        Assert.Contains("q.yaml:1:10: version 2 is not supported", error.Message, StringComparison.Ordinal);
        Assert.Contains("q.yaml:4:3: no question 'GOV-NOPE'", error.Message, StringComparison.Ordinal);
        Assert.Contains("q.yaml:5:15: 'maybe' is not an answer to GOV-POLICY", error.Message, StringComparison.Ordinal);
        Assert.Contains("GOV-ROLES is answered n/a without a `note:`", error.Message, StringComparison.Ordinal);
        Assert.Contains("the answer to GOV-LITERACY has no `answer:`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_template_reads_back_unanswered_and_answered_once_filled_in()
    {
        var template = QuestionnaireTemplate.Write();
        var questions = AssessmentChecks.Embedded.Questions;
        Assert.All(questions, q => Assert.Contains($"  {q.Check.Id}:\n", template.ReplaceLineEndings("\n"), StringComparison.Ordinal));
        Assert.Empty(QuestionnaireReader.Read(template, "template.yaml").Answers);

        var filled = string.Join("\n", template.ReplaceLineEndings("\n").Split('\n').Select(l => l.StartsWith("  ", StringComparison.Ordinal) && l.EndsWith(':') && !l.TrimStart().StartsWith('#') ? l + " yes" : l));
        var answers = QuestionnaireReader.Read(filled, "filled.yaml");
        Assert.Equal(questions.Count, answers.Answers.Count);
        Assert.All(answers.Answers.Values, a => Assert.Equal(AnswerValue.Yes, a.Value));
    }

    [Fact]
    public void Gov_questionnaire_writes_the_template_and_never_overwrites_answers_without_force()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("ai-questionnaire.yaml");
        Bulwark.Tests.Cli.BulwarkProcess.Run("gov", "questionnaire", "--output", file).Expect(0);
        Assert.Equal(QuestionnaireTemplate.Write(), File.ReadAllText(file));

        File.WriteAllText(file, "answers:\n  GOV-POLICY: yes\n");
        var refused = Bulwark.Tests.Cli.BulwarkProcess.Run("gov", "questionnaire", "--output", file).Expect(2);
        Assert.Contains("--force", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("answers:\n  GOV-POLICY: yes\n", File.ReadAllText(file));
        Bulwark.Tests.Cli.BulwarkProcess.Run("gov", "questionnaire", "--output", file, "--force").Expect(0);
        Assert.Contains("GOV-LITERACY:", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("answers: [unclosed")]
    [InlineData("- just\n- a list")]
    [InlineData("answers:\n  GOV-POLICY: [yes]")]
    [InlineData("answers: 3")]
    public void Malformed_questionnaires_are_input_errors(string yaml) =>
        Assert.Throws<BulwarkInputException>(() => QuestionnaireReader.Read(yaml, "q.yaml"));

    [Fact]
    public void Random_bytes_never_escape_as_anything_but_an_input_error()
    {
        var random = new Random(9);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var text = i % 2 == 0 ? System.Text.Encoding.Latin1.GetString(bytes) : "answers:\n  GOV-POLICY: " + System.Text.Encoding.Latin1.GetString(bytes);
            try
            {
                QuestionnaireReader.Read(text, "fuzz.yaml");
            }
            catch (BulwarkInputException)
            {
            }
        }
    }

    [Fact]
    public void The_gateway_posture_reads_settings_and_the_policy_steps_with_their_lines()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("gateway.yaml"), """
            listen: http://127.0.0.1:8080
            upstreams:
              - name: openai
                kind: openai
                api-key: sk-literal-value-here
            guards:
              policy: policy.yaml
              pseudonymize: true
            limits:
              default-rpm: 60
            audit:
              prompt-excerpt: redacted
            """);
        File.WriteAllText(dir.Combine("policy.yaml"), """
            mode: enforce
            input:
              - guard: prompt-attack
                action: block
            documents:
              - guard: prompt-attack
                action: block
                log-only: true
            output:
              - guard: canary
              - guard: secrets
                action: redact
            """);
        var gateway = GatewayPostureReader.ReadFile(dir.Combine("gateway.yaml"), Bulwark.Usage.Guards.GuardPolicy.DefaultText());
        Assert.Equal(new GatewaySetting("upstreams[0].api-key", "sk-literal-value-here", dir.Combine("gateway.yaml"), 5), gateway.Setting("upstreams[0].api-key"));
        Assert.Equal(
            [("input", "prompt-attack", "block", false, 3), ("output", "canary", "block", false, 10), ("output", "secrets", "redact", false, 11), ("documents", "prompt-attack", "block", true, 6)],
            Assert.Single(gateway.Policies).Steps.Select(s => (s.Stage, s.Guard, s.Action, s.LogOnly, s.Line)));

        var checks = GatewayChecks.Evaluate(AssessmentChecks.Embedded.Gateway, gateway, "", DateTimeOffset.UtcNow).ToDictionary(c => c.Id);
        Assert.Equal(CheckOutcome.Pass, checks["USAGE-GATEWAY"].Outcome);
        Assert.Equal(CheckOutcome.Partial, checks["USAGE-GUARDS-ENFORCED"].Outcome);   // one step only logs
        Assert.Equal(CheckOutcome.Partial, checks["USAGE-INPUT-INJECTION"].Outcome);   // documents: log-only does not count
        Assert.Equal(CheckOutcome.Partial, checks["USAGE-OUTPUT-GUARDS"].Outcome);     // no exfiltration-links step
        Assert.Equal(CheckOutcome.Pass, checks["USAGE-LIMITS"].Outcome);
        Assert.Equal(CheckOutcome.Pass, checks["DATA-PROMPT-PROTECTION"].Outcome);
        Assert.Equal(CheckOutcome.Pass, checks["GOV-AUDIT-TRAIL"].Outcome);
        Assert.Equal(CheckOutcome.Unanswered, checks["GOV-KEY-ROTATION"].Outcome);
        var literal = checks["INFRA-GATEWAY-CREDENTIALS"];
        Assert.Equal(CheckOutcome.Fail, literal.Outcome);
        Assert.Equal(5, literal.Evidence.Single().Line);
        Assert.DoesNotContain(literal.Evidence, e => e.Detail.Contains("sk-literal", StringComparison.Ordinal));
    }

    [Fact]
    public void Guard_checks_hold_only_as_well_as_the_weakest_policy_a_key_team_or_model_can_pick()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("gateway.yaml"), """
            guards:
              policy: strict.yaml
              policies:
                relaxed: relaxed.yaml
                gone: missing.yaml
            """);
        File.WriteAllText(dir.Combine("strict.yaml"), "input:\n  - guard: prompt-attack\n    action: block\ndocuments:\n  - guard: prompt-attack\n    action: block\n");
        File.WriteAllText(dir.Combine("relaxed.yaml"), "input:\n  - guard: prompt-attack\n    action: block\n");
        var gateway = GatewayPostureReader.ReadFile(dir.Combine("gateway.yaml"), Bulwark.Usage.Guards.GuardPolicy.DefaultText());
        Assert.Equal(["default", "relaxed", "gone"], gateway.Policies.Select(p => p.Name));
        Assert.True(gateway.Policies[2].Missing);

        var withoutMissing = gateway with { Policies = gateway.Policies.Take(2).ToList() };
        var injection = GatewayChecks.Evaluate(AssessmentChecks.Embedded.Gateway.Where(g => g.Check.Id == "USAGE-INPUT-INJECTION"), withoutMissing, "", DateTimeOffset.UtcNow).Single();
        Assert.Equal(CheckOutcome.Partial, injection.Outcome);   // strict passes, relaxed leaves documents unguarded
        Assert.Contains(injection.Evidence, e => e.Detail.StartsWith("policy relaxed: no prompt-attack with action: block", StringComparison.Ordinal));
        Assert.Contains(injection.Evidence, e => e.Detail.StartsWith("policy default: blocks", StringComparison.Ordinal));

        var all = GatewayChecks.Evaluate(AssessmentChecks.Embedded.Gateway.Where(g => g.Check.Id == "USAGE-INPUT-INJECTION"), gateway, "", DateTimeOffset.UtcNow).Single();
        Assert.Equal(CheckOutcome.Fail, all.Outcome);
        Assert.Contains(all.Evidence, e => e.Detail.Contains("missing.yaml does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Stale_gateway_keys_fail_rotation_and_fresh_ones_pass()
    {
        var now = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        var gateway = new GatewayPosture("gateway.yaml", new Dictionary<string, GatewaySetting>(), [],
            [new GatewayKeyFact("key_old", "support", now.AddDays(-120), null), new GatewayKeyFact("key_gone", "support", now.AddDays(-400), now.AddDays(-300)), new GatewayKeyFact("key_new", "ml", now.AddDays(-5), null)]);
        var rotation = GatewayChecks.Evaluate(AssessmentChecks.Embedded.Gateway.Where(g => g.Fact == "key-rotation"), gateway, "", now).Single();
        Assert.Equal(CheckOutcome.Fail, rotation.Outcome);
        Assert.Equal("key_old", rotation.Evidence.Single().Reference);
        var fresh = gateway with { Keys = [new GatewayKeyFact("key_new", "ml", now.AddDays(-5), null)] };
        Assert.Equal(CheckOutcome.Pass, GatewayChecks.Evaluate(AssessmentChecks.Embedded.Gateway.Where(g => g.Fact == "key-rotation"), fresh, "", now).Single().Outcome);
    }

    [Fact]
    public void Every_fact_the_definitions_name_is_implemented_and_every_tag_resolves()
    {
        var definitions = AssessmentChecks.Embedded;
        Assert.All(definitions.Gateway, d => Assert.Contains(d.Fact, GatewayChecks.Known));
        Assert.All(definitions.Inventory, d => Assert.Contains(d.Fact, InventoryChecks.Known));
        Assert.All(definitions.Scan.Where(d => d.Requires is not null), d => Assert.Contains(d.Requires, ProjectTraits.Known));
        var all = definitions.Scan.Select(s => s.Check).Concat(definitions.Gateway.Select(g => g.Check)).Concat(definitions.Inventory.Select(i => i.Check)).Concat(definitions.Questions.Select(q => q.Check)).ToList();
        Assert.Equal(all.Count, all.Select(c => c.Id).Distinct().Count());
        foreach (var check in all)
        {
            Assert.True(check.Weight > 0, check.Id);
            Assert.False(string.IsNullOrWhiteSpace(check.Remediation), check.Id);
            foreach (var tag in check.Tags)
                Assert.True(Bulwark.Governance.Catalogs.FrameworkCatalog.Embedded.Resolve([tag]).Count > 0, $"{check.Id}: tag {tag} names no catalog item");
        }
        Assert.All(Enum.GetValues<Pillar>(), p => Assert.Contains(all, c => c.Pillar == p));
    }
}
