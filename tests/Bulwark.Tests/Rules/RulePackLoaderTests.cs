using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Tests.Rules;

public class RulePackLoaderTests
{
    private const string Valid = """
        pack: p
        rules:
          - id: BW-DATA-SECRET-X
            name: X
            severity: high
            keywords: [xk_]
            pattern: 'xk_[a-z]{8}'
        """;

    [Fact]
    public void A_broken_regex_names_the_file_and_the_rule()
    {
        var pack = RulePackLoader.Parse(Valid.Replace("xk_[a-z]{8}", "xk_[a-z{8", StringComparison.Ordinal), "broken.yaml");
        var e = Assert.Throws<BulwarkInputException>(() => new PatternEngine(pack.Rules));
        Assert.Contains("broken.yaml", e.Message, StringComparison.Ordinal);
        Assert.Contains("BW-DATA-SECRET-X", e.Message, StringComparison.Ordinal);
        Assert.Contains("invalid pattern", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("severity: high", "severity: severe", "'severity' must be one of")]
    [InlineData("id: BW-DATA-SECRET-X", "id: secret-x", "id must look like")]
    [InlineData("    keywords: [xk_]\n", "", "needs at least one keyword")]
    [InlineData("    name: X\n", "    name: X\n    colour: red\n", "invalid rule pack")]
    [InlineData("pack: p", "pack: ''", "no 'pack' name")]
    public void Invalid_packs_get_a_clear_message(string from, string to, string expected)
    {
        var e = Assert.Throws<BulwarkInputException>(() => RulePackLoader.Parse(Valid.Replace(from, to, StringComparison.Ordinal), "p.yaml"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("p.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_validator_is_an_error()
    {
        var pack = RulePackLoader.Parse(Valid + "\n    validators: [crc99]", "v.yaml");
        var e = Assert.Throws<BulwarkInputException>(() => new PatternEngine(pack.Rules));
        Assert.Contains("unknown validator 'crc99'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_can_be_disabled_by_id_and_unknown_ids_are_refused()
    {
        var pack = RulePackLoader.Parse(TestRules.Pack, "t.yaml");
        var catalog = RuleCatalog.FromPacks([pack], ["BW-DATA-SECRET-TESTPEM"]);
        Assert.DoesNotContain(catalog.Rules, r => r.Id == "BW-DATA-SECRET-TESTPEM");
        Assert.Contains("BW-DATA-SECRET-TESTPEM", catalog.Disabled);
        Assert.Throws<BulwarkInputException>(() => RuleCatalog.FromPacks([pack], ["BW-DATA-SECRET-NOPE"]));
    }

    [Fact]
    public void The_same_id_in_two_packs_is_refused()
    {
        var pack = RulePackLoader.Parse(TestRules.Pack, "t.yaml");
        var e = Assert.Throws<BulwarkInputException>(() => RuleCatalog.FromPacks([pack, pack with { Source = "u.yaml" }]));
        Assert.Contains("defined twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Self_tests_report_a_rule_whose_examples_fail()
    {
        var pack = RulePackLoader.Parse(Valid + "\n    tests:\n      must-match: ['nothing here']\n      must-not-match: ['xk_abcdefgh']", "s.yaml");
        var failures = RuleSelfTester.Verify(pack.Rules);
        Assert.Equal(2, failures.Count);
    }

    [Fact]
    public void Extra_packs_load_from_a_directory()
    {
        using var dir = new TempDirectory();
        dir.Write("mine/extra.yaml", TestRules.Pack);
        var catalog = RuleCatalog.Load([dir.Path]);
        Assert.NotNull(catalog.Find("BW-DATA-SECRET-TESTTOKEN"));
        Assert.NotNull(catalog.Find("BW-DATA-SECRET-OPENAI"));
    }
}
