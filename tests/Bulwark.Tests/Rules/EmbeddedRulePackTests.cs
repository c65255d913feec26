using Bulwark.Data;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Tests.Rules;

public class EmbeddedRulePackTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.Load();

    public static TheoryData<string> RuleIds() => [.. Catalog.Rules.Select(r => r.Id)];

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_passes_its_own_self_tests(string ruleId)
    {
        var failures = RuleVerifier.Verify([Catalog.Find(ruleId)!]);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Select(f => $"{f.Problem}: {f.Sample}")));
    }

    [Fact]
    public void The_default_packs_hold_at_least_150_secret_rules()
    {
        Assert.True(Catalog.Rules.Count(r => r.Family == "secret") >= 150, $"only {Catalog.Rules.Count(r => r.Family == "secret")} secret rules");
    }

    [Theory]
    [InlineData("OPENAI")]
    [InlineData("ANTHROPIC")]
    [InlineData("HUGGINGFACE")]
    [InlineData("GEMINI")]
    [InlineData("AZURE-OPENAI")]
    [InlineData("COHERE")]
    [InlineData("MISTRAL")]
    [InlineData("GROQ")]
    [InlineData("REPLICATE")]
    [InlineData("PERPLEXITY")]
    [InlineData("XAI")]
    [InlineData("DEEPSEEK")]
    [InlineData("TOGETHER")]
    [InlineData("FIREWORKS")]
    [InlineData("OPENROUTER")]
    [InlineData("LANGSMITH")]
    [InlineData("PINECONE")]
    [InlineData("WANDB")]
    public void Every_required_AI_provider_has_a_rule_with_self_tests(string provider)
    {
        var rules = Catalog.Rules.Where(r => r.Id.StartsWith($"BW-DATA-SECRET-{provider}", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.True(r.MustMatch.Count > 0 && r.MustNotMatch.Count > 0, $"{r.Id} lacks must-match or must-not-match samples"));
    }

    [Fact]
    public void Every_rule_has_a_description_tags_and_a_pillar_matching_its_id()
    {
        Assert.All(Catalog.Rules, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Description), $"{r.Id} has no description");
            Assert.Contains(r.Tags, t => t.StartsWith("cwe:", StringComparison.Ordinal));
            Assert.True(PillarNames.TryFromRuleId(r.Id, out var pillar) && pillar == r.Pillar);
        });
    }

    [Fact]
    public void Findings_never_carry_the_clear_secret()
    {
        var secrets = Catalog.Rules.Where(r => r.Family == "secret").ToList();
        var detector = new TextDetector(secrets, ScanLimits.Default, TimeProvider.System);
        foreach (var rule in secrets)
        {
            foreach (var sample in rule.MustMatch)
            {
                foreach (var match in detector.MatchText(sample).Where(m => m.Secret.Length >= 12))
                {
                    var finding = detector.ScanText(sample).Single(f => f.Location.Offset == match.Start && f.RuleId == match.Rule.Id);
                    Assert.DoesNotContain(match.Secret, finding.Evidence, StringComparison.Ordinal);
                    Assert.DoesNotContain(match.Secret, finding.Message, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void Generated_rule_docs_are_up_to_date()
    {
        var docs = Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "docs", "rules");
        foreach (var rule in RuleCatalog.Load(includeNer: true).Rules) // the optional NER pack has pages too
        {
            var page = Path.Combine(docs, rule.Id + ".md");
            Assert.True(File.Exists(page), $"missing {page}: run `bulwark rules docs`");
            Assert.Equal(Reporting.RuleDocsGenerator.Page(rule), File.ReadAllText(page));
        }
    }
}
