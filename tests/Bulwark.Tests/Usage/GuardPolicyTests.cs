using Bulwark.Kernel;
using Bulwark.Kernel.Guards;
using Bulwark.Scanning;
using Bulwark.Usage.Guards;

namespace Bulwark.Tests.Usage;

public class GuardPolicyTests
{
    [Fact]
    public void A_policy_reads_with_defaults_applied_to_each_step()
    {
        var policy = GuardPolicy.Parse(GuardPipelineTests.SamplePolicy, "policy.yaml");
        Assert.False(policy.LogOnly);
        Assert.Equal(["prompt-attack", "secrets"], policy.Input.Select(s => s.Guard));
        Assert.Equal(GuardAction.Redact, policy.Input[1].Action);
        Assert.All(policy.Output, s => Assert.Equal(TimeSpan.FromSeconds(2), s.Timeout));
        Assert.Equal(["contoso.com"], policy.Output[1].AllowDomains);
        Assert.Equal(GuardAction.Block, policy.Documents.Single().Action);
    }

    [Theory]
    [InlineData("mode: loud", "'mode' must be enforce or log-only")]
    [InlineData("input:\n  - action: block", "input step 1: missing 'guard'")]
    [InlineData("input:\n  - guard: prompt-attack\n    action: warn", "input step 1 (prompt-attack): 'action' must be block or redact")]
    [InlineData("output:\n  - guard: canary\n    timeout: soon", "'timeout' must look like 250ms")]
    [InlineData("output:\n  - guard: canary\n    threshold: 3", "'threshold' must be between 0 and 1")]
    [InlineData("input:\n  - guard: prompt-attack\n    colour: red", "policy.yaml:3:")]
    [InlineData("input: [", "policy.yaml:")]
    public void A_bad_policy_is_refused_with_the_place_named(string yaml, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => GuardPolicy.Parse(yaml, "policy.yaml"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("input:\n  - guard: firewall", "unknown guard 'firewall'")]
    [InlineData("output:\n  - guard: canary\n    threshold: 0.5", "guard 'canary' takes no 'threshold'")]
    [InlineData("input:\n  - guard: secrets\n    families: [nope]", "no rules of family 'nope'")]
    public void Guard_names_and_settings_are_checked_when_the_pipelines_are_built(string yaml, string expected)
    {
        var policy = GuardPolicy.Parse(yaml, "policy.yaml");
        var error = Assert.Throws<BulwarkInputException>(() => GuardPipelines.Build(policy, TestRules.Catalog()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_only_mode_applies_to_every_pipeline()
    {
        var policy = GuardPolicy.Parse("mode: log-only\ninput:\n  - guard: secrets\n", "policy.yaml");
        var pipelines = GuardPipelines.Build(policy, TestRules.Catalog());
        var verdict = pipelines.Input.Run($"key {TestRules.Token}");
        Assert.Equal(GuardAction.Allow, verdict.Action);
        Assert.Single(verdict.Hits);
    }
}
