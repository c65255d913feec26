using Bulwark.Governance.Inventory;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Inventory;

public class AiInventoryReaderTests
{
    private const string Valid = """
        version: 1
        systems:
          - id: support-bot
            name: Support bot
            owner: Support Engineering
            purpose: Answers customer questions
            users: [customers, agents]
            risk-tier: limited
            models:
              - name: gpt-4o-mini
                provider: openai
              - local-reranker
            providers: [openai, pinecone]
            data-categories: [customer-questions]
            gateway-keys: [support-prod]
            human-oversight: Agents review flagged chats
            code-paths: [./app/, src\bot]
            domains: [API.Example.com.]
          - id: cv-screening
            name: CV screening
            owner: HR Technology
            purpose: Ranks job applications
            risk-tier: high
            annex-iii-area: employment
        """;

    [Fact]
    public void Reads_every_field_of_a_valid_inventory()
    {
        var inventory = AiInventoryReader.Read(Valid, "inv.yaml");
        Assert.Equal("inv.yaml", inventory.Path);
        Assert.Equal(2, inventory.Systems.Count);
        var bot = inventory.Systems[0];
        Assert.Equal("support-bot", bot.Id);
        Assert.Equal("Support bot", bot.Name);
        Assert.Equal("Support Engineering", bot.Owner);
        Assert.Equal("Answers customer questions", bot.Purpose);
        Assert.Equal(["customers", "agents"], bot.Users);
        Assert.Equal(EuAiActTier.Limited, bot.RiskTier);
        Assert.Null(bot.AnnexIiiArea);
        Assert.Equal([new DeclaredModel("gpt-4o-mini", "openai"), new DeclaredModel("local-reranker", null)], bot.Models);
        Assert.Equal(["openai", "pinecone"], bot.Providers);
        Assert.Equal(["customer-questions"], bot.DataCategories);
        Assert.Equal(["support-prod"], bot.GatewayKeys);
        Assert.Equal("Agents review flagged chats", bot.HumanOversight);
        Assert.Equal(["app", "src/bot"], bot.CodePaths);
        Assert.Equal(["api.example.com"], bot.Domains);
        Assert.Equal(3, bot.Line);

        var cv = inventory.Systems[1];
        Assert.Equal(EuAiActTier.High, cv.RiskTier);
        Assert.Equal("employment", cv.AnnexIiiArea);
        Assert.Empty(cv.Users);
        Assert.Empty(cv.Models);
        Assert.Equal(19, cv.Line);
    }

    [Theory]
    [InlineData("prohibited", EuAiActTier.Prohibited)]
    [InlineData("minimal", EuAiActTier.Minimal)]
    [InlineData("gpai", EuAiActTier.GeneralPurpose)]
    [InlineData("Limited", EuAiActTier.Limited)]
    public void Reads_each_tier(string written, EuAiActTier tier)
    {
        var inventory = AiInventoryReader.Read(System("x", $"risk-tier: {written}"), "f.yaml");
        Assert.Equal(tier, inventory.Systems.Single().RiskTier);
    }

    [Fact]
    public void Every_annex_iii_area_is_accepted_for_a_high_risk_system()
    {
        Assert.Equal(8, AiInventoryReader.AnnexIiiAreas.Count);
        foreach (var area in AiInventoryReader.AnnexIiiAreas)
            Assert.Equal(area, AiInventoryReader.Read(System("x", "risk-tier: high", $"annex-iii-area: {area}"), "f.yaml").Systems[0].AnnexIiiArea);
    }

    [Fact]
    public void An_unknown_key_is_named_with_its_line_and_column()
    {
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read(System("x", "risk-tier: limited", "ownr: typo"), "f.yaml"));
        Assert.StartsWith("f.yaml:8:5: unknown key 'ownr' in a system", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_top_level_key_and_a_missing_version_are_both_reported()
    {
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read("sytems: []\n", "f.yaml"));
        Assert.Contains("f.yaml:1:1: unknown key 'sytems'", e.Message, StringComparison.Ordinal);
        Assert.Contains("f.yaml:1:1: 'version' is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("f.yaml:1:1: 'systems' is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("3 problems", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_version_is_refused()
    {
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read("version: 2\nsystems: []\n", "f.yaml"));
        Assert.Equal("f.yaml:1:10: 'version' must be 1", e.Message);
    }

    [Fact]
    public void Missing_required_fields_are_each_reported_at_the_system()
    {
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read("version: 1\nsystems:\n  - id: x\n    name: X\n", "f.yaml"));
        Assert.Contains("f.yaml:3:5: system 'x': 'owner' is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("f.yaml:3:5: system 'x': 'purpose' is required", e.Message, StringComparison.Ordinal);
        Assert.Contains("f.yaml:3:5: system 'x': 'risk-tier' is required", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'name' is required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_tier_is_named_with_the_allowed_ones()
    {
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read(System("x", "risk-tier: medium"), "f.yaml"));
        Assert.Equal("f.yaml:7:16: system 'x': risk-tier 'medium' is not one of prohibited, high, limited, minimal, gpai", e.Message);
    }

    [Fact]
    public void A_high_risk_system_needs_its_annex_iii_area()
    {
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read(System("x", "risk-tier: high"), "f.yaml"));
        Assert.StartsWith("f.yaml:7:16: system 'x': a high-risk system needs 'annex-iii-area'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_annex_iii_area_is_refused()
    {
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read(System("x", "risk-tier: high", "annex-iii-area: healthcare"), "f.yaml"));
        Assert.StartsWith("f.yaml:8:21: system 'x': annex-iii-area 'healthcare' is not one of biometrics,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_name_the_first_occurrence()
    {
        var yaml = System("x", "risk-tier: limited") + System("X", "risk-tier: limited").Replace("version: 1\nsystems:\n", "", StringComparison.Ordinal);
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read(yaml, "f.yaml"));
        Assert.Equal("f.yaml:8:5: duplicate id 'X' (first at line 3)", e.Message);
    }

    [Fact]
    public void Wrong_shapes_are_reported_together()
    {
        var yaml = System("x", "risk-tier: limited", "users: customers", "models: [{name: m, size: 3}]", "providers: [[a]]");
        var e = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read(yaml, "f.yaml"));
        Assert.Contains("f.yaml:8:12: system 'x': 'users' must be a list", e.Message, StringComparison.Ordinal);
        Assert.Contains("f.yaml:9:24: system 'x': unknown key 'size' in a model", e.Message, StringComparison.Ordinal);
        Assert.Contains("f.yaml:10:17: system 'x': each item of 'providers' must be a non-empty value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_errors_empty_files_and_aliases_are_input_errors_with_positions()
    {
        var syntax = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read("version: 1\nsystems: [\n", "f.yaml"));
        Assert.StartsWith("f.yaml:3:1: invalid AI inventory", syntax.Message, StringComparison.Ordinal);
        Assert.Contains("is empty", Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read("# nothing\n", "f.yaml")).Message, StringComparison.Ordinal);
        var alias = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read("version: &v 1\nsystems: *v\n", "f.yaml"));
        Assert.StartsWith("f.yaml:2:10: invalid AI inventory: aliases", alias.Message, StringComparison.Ordinal);
        var deep = Assert.Throws<BulwarkInputException>(() => AiInventoryReader.Read("version: 1\nsystems: " + new string('[', 100) + new string(']', 100), "f.yaml"));
        Assert.Contains("nested deeper than", deep.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_size_bound_or_missing_is_refused()
    {
        using var dir = new TempDirectory();
        var big = dir.Write("big.yaml", "# " + new string('x', (int)AiInventoryReader.MaxFileBytes));
        Assert.Contains("over the", Assert.Throws<BulwarkInputException>(() => AiInventoryReader.ReadFile(big)).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Throws<BulwarkInputException>(() => AiInventoryReader.ReadFile(dir.Combine("none.yaml"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_inventory_reads()
    {
        var path = Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "samples", "insecure-genai-app", AiInventoryReader.FileName);
        var system = Assert.Single(AiInventoryReader.ReadFile(path).Systems);
        Assert.Equal("support-bot", system.Id);
        Assert.Equal(EuAiActTier.Limited, system.RiskTier);
        Assert.DoesNotContain("@", system.Owner, StringComparison.Ordinal);
    }

    // A file with one system: id, name, owner, purpose on lines 3-6, then the extra lines from line 7.
    private static string System(string id, params string[] lines) =>
        $"version: 1\nsystems:\n  - id: {id}\n    name: System {id}\n    owner: Team\n    purpose: Testing\n" + string.Concat(lines.Select(l => $"    {l}\n"));
}
