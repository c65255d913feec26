using System.Globalization;
using Bulwark.Eval;
using Bulwark.Governance.ShadowAi;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance;

public sealed class GenAiCatalogTests
{
    private static readonly GenAiCatalog Catalog = GenAiCatalog.Default;

    // Rules of the v2fly CSV that tools/genai-catalog/build.py drops on purpose: third-party telemetry, shared clouds
    // and CDNs (@ads rows and the regexp row are dropped by kind and checked separately).
    private static readonly string[] DeliberatelyDropped =
    [
        "servd-anthropic-website.b-cdn.net", "copilotprodattachments.blob.core.windows.net", "oaistatsig.com",
        "openai.com.cdn.cloudflare.net", "openaiapi-site.azureedge.net", "openaiassets.blob.core.windows.net",
        "openaicom-api-bdcpf8c6d2e9atf6.z01.azurefd.net", "openaicom.imgix.net", "openaicomproductionae4b.blob.core.windows.net",
        "production-openaicom-storage.azureedge.net", "chatgpt.livekit.cloud", "host.livekit.cloud", "turn.livekit.cloud",
        "ppl-ai-file-upload.s3.amazonaws.com", "pplx-res.cloudinary.com", "coderabbit.gallery.vsassets.io",
    ];

    [Fact]
    public void Has_at_least_300_services_with_unique_ids()
    {
        Assert.True(Catalog.Services.Count >= 300, $"{Catalog.Services.Count} services");
        Assert.Equal(Catalog.Services.Count, Catalog.Services.Select(s => s.Id).Distinct().Count());
        for (var i = 0; i < Catalog.Services.Count; i++) Assert.Equal(i, Catalog.Services[i].Index);
    }

    [Fact]
    public void Every_category_is_valid_and_used()
    {
        foreach (var service in Catalog.Services)
        {
            Assert.True(Enum.IsDefined(service.Category), service.Id);
            Assert.True(GenAiCategories.TryParse(service.Category.ToName(), out var back) && back == service.Category);
        }
        Assert.Equal(GenAiCategories.All.Count, Catalog.Services.Select(s => s.Category).Distinct().Count());
        Assert.Equal(11, GenAiCategories.All.Count);
    }

    [Fact]
    public void Every_service_is_complete()
    {
        foreach (var service in Catalog.Services)
        {
            Assert.False(string.IsNullOrWhiteSpace(service.Name), service.Id);
            Assert.False(string.IsNullOrWhiteSpace(service.Vendor), service.Id);
            Assert.False(string.IsNullOrWhiteSpace(service.Risk.Source), service.Id);
            Assert.NotEmpty(service.Domains.Concat(service.Hosts));
            Assert.InRange(service.RiskScore, 0, 100);
        }
    }

    [Fact]
    public void Keeps_no_telemetry_cdn_or_shared_cloud_host()
    {
        var names = ServiceMatcher.Default.AllDomains;
        foreach (var host in DeliberatelyDropped.Concat(["browser-intake-datadoghq.com", "o33249.ingest.sentry.io", "openai.qualtrics.com",
                     "copilot-telemetry-service.githubusercontent.com", "copilot-telemetry.githubusercontent.com"]))
        {
            Assert.DoesNotContain(host, names);
            Assert.Equal(-1, ServiceMatcher.Default.Match(host));
        }
        string[] thirdParty = ["datadoghq.com", "sentry.io", "qualtrics.com", "livekit.cloud", "statsig", "intercom.io", "segment.io",
            "segment.com", "blob.core.windows.net", "azureedge.net", "azurefd.net", "cloudfront.net", "akamaized.net", "imgix.net",
            "cloudinary.com", "s3.amazonaws.com", "b-cdn.net", "cdn.cloudflare.net", "vsassets.io"];
        foreach (var name in names)
        {
            Assert.DoesNotContain(thirdParty, t => name == t || name.EndsWith("." + t, StringComparison.Ordinal) || (t == "statsig" && name.Contains(t, StringComparison.Ordinal)));
        }
    }

    [SharedDataFact]
    public void Every_v2fly_domain_rule_is_matched_unless_deliberately_dropped()
    {
        var path = Path.Combine(RepositoryPaths.Shared!, "datasets", "genai_domains_v2fly", "genai_domains.csv");
        Assert.True(File.Exists(path), path);
        var matcher = ServiceMatcher.Default;
        var checkedRules = 0;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var fields = line.Split(',');
            var (kind, value, attributes) = (fields[2], fields[3], fields[4]);
            if (kind == "regexp") continue;
            if (attributes.Split(' ').Contains("@ads"))
            {
                Assert.Equal(-1, matcher.Match(value));
                continue;
            }
            if (DeliberatelyDropped.Contains(value))
            {
                Assert.True(matcher.Match(value) == -1, $"{value} was dropped but matches");
                continue;
            }
            Assert.True(matcher.Match(value) >= 0, $"v2fly {kind} rule {value} matches no service");
            if (kind == "domain") Assert.True(matcher.Match("sub." + value) >= 0, $"a subdomain of v2fly domain {value} matches no service");
            checkedRules++;
        }
        Assert.True(checkedRules > 250, $"{checkedRules} rules checked");
    }

    [Theory]
    [InlineData("midjourney.com", "midjourney")]
    [InlineData("app.runwayml.com", "runway")]
    [InlineData("pika.art", "pika")]
    [InlineData("lumalabs.ai", "luma-ai")]
    [InlineData("suno.com", "suno")]
    [InlineData("udio.com", "udio")]
    [InlineData("dreamstudio.ai", "stability-ai")]
    [InlineData("app.leonardo.ai", "leonardo-ai")]
    [InlineData("ideogram.ai", "ideogram")]
    [InlineData("krea.ai", "krea")]
    [InlineData("playground.com", "playground-ai")]
    [InlineData("synthesia.io", "synthesia")]
    [InlineData("app.heygen.com", "heygen")]
    [InlineData("studio.d-id.com", "d-id")]
    [InlineData("web.descript.com", "descript")]
    [InlineData("murf.ai", "murf")]
    [InlineData("play.ht", "play-ht")]
    [InlineData("speechify.com", "speechify")]
    [InlineData("otter.ai", "otter")]
    [InlineData("app.fireflies.ai", "fireflies")]
    [InlineData("tldv.io", "tldv")]
    [InlineData("rev.com", "rev")]
    [InlineData("api.assemblyai.com", "assemblyai")]
    [InlineData("api.deepgram.com", "deepgram")]
    [InlineData("app.jasper.ai", "jasper")]
    [InlineData("app.copy.ai", "copy-ai")]
    [InlineData("writesonic.com", "writesonic")]
    [InlineData("rytr.me", "rytr")]
    [InlineData("quillbot.com", "quillbot")]
    [InlineData("www.deepl.com", "deepl")]
    [InlineData("app.grammarly.com", "grammarly")]
    [InlineData("www.notion.so", "notion-ai")]
    [InlineData("gamma.app", "gamma")]
    [InlineData("tome.app", "tome")]
    [InlineData("beautiful.ai", "beautiful-ai")]
    [InlineData("www.chatpdf.com", "chatpdf")]
    [InlineData("app.humata.ai", "humata")]
    [InlineData("elicit.com", "elicit")]
    [InlineData("consensus.app", "consensus")]
    [InlineData("scite.ai", "scite")]
    [InlineData("api.tabnine.com", "tabnine")]
    [InlineData("server.codeium.com", "windsurf")]
    [InlineData("replit.com", "replit")]
    [InlineData("sourcegraph.com", "sourcegraph-cody")]
    [InlineData("www.phind.com", "phind")]
    [InlineData("bolt.new", "bolt-new")]
    [InlineData("lovable.dev", "lovable")]
    [InlineData("v0.dev", "v0")]
    [InlineData("api.together.xyz", "together-ai")]
    [InlineData("api.fireworks.ai", "fireworks-ai")]
    [InlineData("api.replicate.com", "replicate")]
    [InlineData("console.mistral.ai", "mistral-ai")]
    [InlineData("api.cohere.com", "cohere")]
    [InlineData("studio.ai21.com", "ai21")]
    [InlineData("openrouter.ai", "openrouter")]
    [InlineData("beta.character.ai", "character-ai")]
    [InlineData("pi.ai", "pi")]
    [InlineData("you.com", "you-com")]
    [InlineData("kimi.moonshot.cn", "moonshot-platform")]
    [InlineData("www.kimi.com", "kimi")]
    [InlineData("chat.qwen.ai", "qwen")]
    [InlineData("yiyan.baidu.com", "ernie-bot")]
    [InlineData("chatglm.cn", "chatglm")]
    [InlineData("open.bigmodel.cn", "zhipu-bigmodel")]
    [InlineData("www.minimax.io", "minimax")]
    [InlineData("www.baichuan-ai.com", "baichuan")]
    [InlineData("chat.deepseek.com", "deepseek")]
    public void Knows_the_well_known_services(string host, string id)
    {
        var index = ServiceMatcher.Default.Match(host);
        Assert.True(index >= 0, $"{host} matches nothing");
        Assert.Equal(id, Catalog.Services[index].Id);
    }

    [Fact]
    public void Find_returns_the_service_or_null()
    {
        Assert.Equal("ChatGPT", Catalog.Find("chatgpt")?.Name);
        Assert.Equal(GenAiCategory.ChatAssistant, Catalog.Find("chatgpt")?.Category);
        Assert.Null(Catalog.Find("no-such-service"));
    }

    [Fact]
    public void Risk_facts_are_read()
    {
        var chatgpt = Catalog.Find("chatgpt")!.Risk;
        Assert.Equal(TrainingUse.OptOut, chatgpt.TrainsOnUserData);
        Assert.True(chatgpt.EnterpriseTier);
        Assert.True(chatgpt.Sso);
        Assert.Equal(["us", "eu"], chatgpt.DataResidency!);
        Assert.Contains("OpenAI", chatgpt.Source, StringComparison.Ordinal);
        var deepseek = Catalog.Find("deepseek")!.Risk;
        Assert.Equal(TrainingUse.Yes, deepseek.TrainsOnUserData);
        Assert.Equal(["cn"], deepseek.DataResidency!);
        Assert.Null(deepseek.EnterpriseTier);
        var unassessed = Catalog.Find("craiyon")!.Risk;
        Assert.Equal(TrainingUse.Unknown, unassessed.TrainsOnUserData);
        Assert.Null(unassessed.DataResidency);
        Assert.Null(unassessed.Sso);
    }

    [Fact]
    public void Risk_score_follows_the_documented_formula()
    {
        // chat 30 + trains yes 30 + no enterprise 15 + no SSO 10 + residency unknown 5
        Assert.Equal(90, Catalog.Find("character-ai")!.RiskScore);
        // model API 30 + no training, enterprise, SSO, residency stated: 0
        Assert.Equal(30, Catalog.Find("azure-openai")!.RiskScore);
        // chat 30 + opt-out 20
        Assert.Equal(50, Catalog.Find("chatgpt")!.RiskScore);
        // image 15 + all unknown (15 + 10 + 5 + 5)
        Assert.Equal(50, Catalog.Find("craiyon")!.RiskScore);
        Assert.Equal(100, GenAiRiskScore.RiskScore(Service(GenAiCategory.AgentPlatform, new GenAiRisk(TrainingUse.Yes, false, null, false, "x"))));
        Assert.Equal(15, GenAiRiskScore.RiskScore(Service(GenAiCategory.SaasAiFeature, new GenAiRisk(TrainingUse.No, true, ["eu"], true, "x"))));
        Assert.Equal("high", GenAiRiskScore.Band(90));
        Assert.Equal("medium", GenAiRiskScore.Band(50));
        Assert.Equal("low", GenAiRiskScore.Band(30));
    }

    private static GenAiService Service(GenAiCategory category, GenAiRisk risk) => new(0, "x", "X", "X", category, ["x.example"], [], risk, null);

    [Fact]
    public void Load_reads_a_user_catalog_file()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("catalog.yaml", Entry("in-house", "domains: [llm.corp.example]"));
        var catalog = GenAiCatalog.Load(path);
        Assert.Equal("in-house", Assert.Single(catalog.Services).Id);
        Assert.Equal(0, new ServiceMatcher(catalog).Match("gw.llm.corp.example"u8));
        var missing = Assert.Throws<BulwarkInputException>(() => GenAiCatalog.Load(temp.Combine("nope.yaml")));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    private static string Entry(string id, string names, string category = "chat-assistant", string extra = "") => $"""
        services:
          - id: {id}
            name: Service
            vendor: Vendor
            category: {category}
            {names}
        {extra}
        """;

    [Theory]
    [InlineData("services: []", "has no services")]
    [InlineData("", "has no services")]
    [InlineData("services:\n  - id: Bad_Id\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]", "kebab-case")]
    [InlineData("services:\n  - id: a\n    vendor: b\n    category: model-api\n    domains: [a.example]", "name is required")]
    [InlineData("services:\n  - id: a\n    name: a\n    category: model-api\n    domains: [a.example]", "vendor is required")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: chatbot\n    domains: [a.example]", "category 'chatbot'")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api", "lists no domains or hosts")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [10.0.0.1]", "is an IP address")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [localhost]", "two labels")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [ai]", "two labels")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: ['a b.example']", "character ' '")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: ['*.a.example']", "character '*'")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a..example]", "empty label")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]\n    colour: red", "invalid AI service catalog")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]\n    risk:\n      trains-on-user-data: maybe", "trains-on-user-data 'maybe'")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]\n    risk:\n      sso: perhaps", "sso 'perhaps'")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]\n    risk:\n      enterprise-tier: 3", "enterprise-tier '3'")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]\n    risk:\n      data-residency: [Europe!]", "region 'europe!'")]
    [InlineData("services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]\n    risk:\n      data-residency: eu", "data-residency must be a list")]
    [InlineData("services: [", "invalid AI service catalog")]
    public void Rejects_bad_entries_with_a_clear_message(string yaml, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => GenAiCatalog.Parse(yaml, "user.yaml"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("user.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_names_the_entry()
    {
        const string yaml = "services:\n  - id: good\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]\n  - id: broken\n    name: a\n    vendor: b\n    category: nope\n    domains: [b.example]";
        var error = Assert.Throws<BulwarkInputException>(() => GenAiCatalog.Parse(yaml, "user.yaml"));
        Assert.Contains("service 'broken' (entry 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_are_an_error()
    {
        const string yaml = "services:\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [a.example]\n  - id: a\n    name: a\n    vendor: b\n    category: model-api\n    domains: [b.example]";
        var error = Assert.Throws<BulwarkInputException>(() => GenAiCatalog.Parse(yaml, "user.yaml"));
        Assert.Contains("duplicate id (also entry 1)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("domains: [a.example]", "domains: [A.Example.]")]
    [InlineData("domains: [a.example]", "hosts: [a.example]")]
    [InlineData("domains: [bücher.example]", "domains: [xn--bcher-kva.example]")]
    public void A_name_claimed_by_two_services_is_an_error(string first, string second)
    {
        var yaml = $"services:\n  - id: one\n    name: a\n    vendor: b\n    category: model-api\n    {first}\n  - id: two\n    name: a\n    vendor: b\n    category: model-api\n    {second}";
        var error = Assert.Throws<BulwarkInputException>(() => GenAiCatalog.Parse(yaml, "user.yaml"));
        Assert.Contains("service 'two'", error.Message, StringComparison.Ordinal);
        Assert.Contains("already claimed by service 'one'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_normalised()
    {
        var catalog = GenAiCatalog.Parse(Entry("a", "domains: [' API.Example.COM. ', Bücher.example]"), "user.yaml");
        Assert.Equal(["api.example.com", new IdnMapping().GetAscii("bücher.example")], catalog.Services[0].Domains);
    }
}
