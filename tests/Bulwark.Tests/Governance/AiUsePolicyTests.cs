using Bulwark.Eval;
using Bulwark.Governance.ShadowAi;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance;

public sealed class AiUsePolicyTests
{
    private static readonly GenAiCatalog Catalog = GenAiCatalog.Default;

    private const string Layered = """
        default: forbidden
        categories:
          chat-assistant: tolerated
        services:
          chatgpt: sanctioned
        departments:
          engineering:
            categories:
              coding-assistant: sanctioned
            services:
              chatgpt: forbidden
          marketing:
            categories:
              chat-assistant: forbidden
              image-generation: sanctioned
        """;

    private static AiUseVerdict Verdict(AiUsePolicy policy, string id, string? department = null) =>
        policy.Verdict(Catalog.Find(id)!, department);

    [Fact]
    public void Precedence_is_department_service_then_department_category_then_service_then_category_then_default()
    {
        var policy = AiUsePolicy.Parse(Layered, "policy.yaml", Catalog);
        Assert.Equal(AiUseVerdict.Forbidden, policy.DefaultVerdict);

        // Organisation-wide: service > category > default.
        Assert.Equal(AiUseVerdict.Sanctioned, Verdict(policy, "chatgpt"));
        Assert.Equal(AiUseVerdict.Tolerated, Verdict(policy, "claude"));
        Assert.Equal(AiUseVerdict.Forbidden, Verdict(policy, "midjourney"));
        Assert.Equal(AiUseVerdict.Forbidden, Verdict(policy, "github-copilot"));

        // Department service beats everything; department category beats the organisation's service verdict.
        Assert.Equal(AiUseVerdict.Forbidden, Verdict(policy, "chatgpt", "engineering"));
        Assert.Equal(AiUseVerdict.Sanctioned, Verdict(policy, "github-copilot", "engineering"));
        Assert.Equal(AiUseVerdict.Tolerated, Verdict(policy, "claude", "engineering"));
        Assert.Equal(AiUseVerdict.Forbidden, Verdict(policy, "chatgpt", "marketing"));
        Assert.Equal(AiUseVerdict.Forbidden, Verdict(policy, "claude", "marketing"));
        Assert.Equal(AiUseVerdict.Sanctioned, Verdict(policy, "midjourney", "marketing"));
    }

    [Fact]
    public void Departments_ignore_case_and_unknown_departments_get_the_organisation_verdict()
    {
        var policy = AiUsePolicy.Parse(Layered, "policy.yaml", Catalog);
        Assert.Equal(AiUseVerdict.Forbidden, Verdict(policy, "chatgpt", "Engineering"));
        Assert.Equal(AiUseVerdict.Sanctioned, Verdict(policy, "chatgpt", "sales"));
        Assert.Equal(AiUseVerdict.Sanctioned, Verdict(policy, "chatgpt", ""));
        Assert.Equal(2, policy.Departments.Count);
    }

    [Fact]
    public void Verdict_by_index_matches_verdict_by_service()
    {
        var policy = AiUsePolicy.Parse(Layered, "policy.yaml", Catalog);
        var index = ServiceMatcher.Default.Match("chat.openai.com"u8);
        Assert.Equal(policy.Verdict(Catalog.Services[index], "engineering"), policy.Verdict(index, "engineering"));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Verdict(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Verdict(Catalog.Services.Count));
        var stranger = new GenAiService(0, "not-in-catalog", "x", "x", GenAiCategory.ModelApi, ["x.example"], [], GenAiRisk.Unknown, null);
        Assert.Throws<ArgumentException>(() => policy.Verdict(stranger));
    }

    [Fact]
    public void Empty_policy_tolerates_everything()
    {
        foreach (var policy in new[] { AiUsePolicy.Parse("", "empty.yaml", Catalog), AiUsePolicy.TolerateAll(Catalog) })
        {
            Assert.Equal(AiUseVerdict.Tolerated, policy.DefaultVerdict);
            Assert.All(Catalog.Services, s => Assert.Equal(AiUseVerdict.Tolerated, policy.Verdict(s.Index)));
        }
    }

    [Theory]
    [InlineData("default: banned", "default: verdict 'banned'")]
    [InlineData("services:\n  chatgtp: forbidden", "services: unknown service id 'chatgtp'")]
    [InlineData("categories:\n  chatbots: forbidden", "categories: unknown category 'chatbots'")]
    [InlineData("services:\n  chatgpt: ok", "services.chatgpt: verdict 'ok'")]
    [InlineData("departments:\n  hr:\n    services:\n      nope: sanctioned", "departments.hr.services: unknown service id 'nope'")]
    [InlineData("departments:\n  hr:\n    categories:\n      nope: sanctioned", "departments.hr.categories: unknown category 'nope'")]
    [InlineData("departments:\n  hr:\n    services:\n      claude: yes", "departments.hr.services.claude: verdict 'yes'")]
    [InlineData("departments:\n  HR: {}\n  hr: {}", "department 'hr' appears twice")]
    [InlineData("defaults: forbidden", "invalid AI-use policy")]
    [InlineData("services: [", "invalid AI-use policy")]
    public void Rejects_bad_policies_with_a_clear_message(string yaml, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => AiUsePolicy.Parse(yaml, "policy.yaml", Catalog));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("policy.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_policy_loads()
    {
        var path = Path.Combine(RepositoryPaths.Root, "samples", "shadow-ai", "policy.yaml");
        var policy = AiUsePolicy.Load(path, Catalog);
        Assert.Equal(AiUseVerdict.Forbidden, Verdict(policy, "deepseek"));
        Assert.Equal(AiUseVerdict.Sanctioned, Verdict(policy, "github-copilot", "engineering"));
        Assert.NotEmpty(policy.Departments);
    }

    [Fact]
    public void Load_reports_a_missing_file()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<BulwarkInputException>(() => AiUsePolicy.Load(temp.Combine("policy.yaml"), Catalog));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }
}
