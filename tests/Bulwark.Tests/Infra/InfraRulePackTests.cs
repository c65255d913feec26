using Bulwark.Infra;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Infra;

/// <summary>Every infrastructure rule runs its own must-match and must-not-match files.</summary>
public class InfraRulePackTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.Load();

    public static TheoryData<string> InfraRuleIds() => [.. Catalog.Rules.Where(r => r.IsInfraRule).Select(r => r.Id)];

    [Theory]
    [MemberData(nameof(InfraRuleIds))]
    public void Every_infrastructure_rule_passes_its_sample_files(string ruleId)
    {
        var failures = InfraRuleVerifier.Verify([Catalog.Find(ruleId)!]);
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Select(f => $"{f.Problem}:\n{f.Sample}")));
    }
}
