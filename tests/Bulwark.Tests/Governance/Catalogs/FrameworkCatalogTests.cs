using Bulwark.Governance.Catalogs;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Catalogs;

public class FrameworkCatalogTests
{
    private static readonly FrameworkCatalog Catalog = FrameworkCatalog.Embedded;

    private static int Count(string framework, string kind) => Catalog.Get(framework).Items.Count(i => i.Kind == kind);

    [Fact]
    public void Bundled_frameworks_have_their_published_counts()
    {
        Assert.Equal(4, Count("nist-ai-rmf", "function"));
        Assert.Equal(19, Count("nist-ai-rmf", "category"));
        Assert.Equal(72, Count("nist-ai-rmf", "subcategory"));
        Assert.Equal(72, Catalog.Get("nist-ai-rmf").Controls.Count);
        Assert.Equal(12, Count("nist-ai-600-1", "risk"));
        Assert.Equal(212, Count("nist-ai-600-1", "action"));
        Assert.Equal(12, Catalog.Get("nist-ai-600-1").Controls.Count);
        Assert.Equal(38, Catalog.Get("iso-42001").Controls.Count);
        Assert.Equal(9, Count("iso-42001", "group"));
        Assert.Equal(10, Catalog.Get("owasp-llm-2025").Controls.Count);
        Assert.Equal(10, Catalog.Get("owasp-agentic-2026").Controls.Count);
        Assert.Equal(113, Count("eu-ai-act", "article"));
        Assert.Equal(13, Count("eu-ai-act", "annex"));
        Assert.Equal(8, Count("eu-ai-act", "annex-iii-area"));
        Assert.Equal(16, Count("mitre-atlas", "tactic"));
        Assert.Equal(101, Catalog.Get("mitre-atlas").Controls.Count);
        Assert.Equal(69, Count("mitre-atlas", "sub-technique"));
    }

    [Theory]
    [InlineData("nist-ai-rmf", "MS-2.7", "MEASURE 2.7")]
    [InlineData("nist-ai-rmf", "measure 2.7", "MEASURE 2.7")]
    [InlineData("nist-ai-rmf", "nist-ai-rmf:GV-1.1", "GOVERN 1.1")]
    [InlineData("owasp-llm-2025", "LLM01:2025", "LLM01")]
    [InlineData("owasp-llm-2025", "llm022025-sensitive-information-disclosure", "LLM02")]
    [InlineData("eu-ai-act", "Article 15", "Art.15")]
    [InlineData("eu-ai-act", "ANNEX-III-8", "ANNEX-III-8")]
    [InlineData("nist-ai-600-1", "nist-data-privacy", "data-privacy")]
    [InlineData("nist-ai-600-1", "GV-1.1-001", "GV-1.1-001")]
    [InlineData("iso-42001", "A.6.2.4", "A.6.2.4")]
    [InlineData("mitre-atlas", "AML.T0051.001", "AML.T0051.001")]
    public void Find_accepts_the_tag_spellings(string framework, string spelling, string id) =>
        Assert.Equal(id, Catalog.Get(framework).Find(spelling)?.Id);

    [Fact]
    public void Get_names_the_known_frameworks_for_an_unknown_id()
    {
        var e = Assert.Throws<BulwarkInputException>(() => Catalog.Get("iso-27001"));
        Assert.Contains("mitre-atlas", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_follows_the_crosswalks_and_ignores_unknown_schemes()
    {
        var tags = Catalog.Resolve(["cwe:CWE-502", "owasp-llm:LLM01", "owasp-llm:LLM01:2025"]).Select(r => r.Tag).ToList();
        Assert.Equal("owasp-llm:LLM01", tags[0]);
        Assert.Equal(tags.Count, tags.Distinct().Count());
        Assert.Contains("iso-42001:A.6.2.4", tags);
        Assert.Contains("eu-ai-act:OBL-HR-ACCURACY-SECURITY", tags);
        Assert.Contains("eu-ai-act:Art.15", tags); // transitively, through the obligation's article
        Assert.Contains("nist-ai-600-1:information-security", tags);
        Assert.Contains("owasp-agentic:ASI01", tags);
        Assert.Contains("nist-ai-rmf:MS-2.7", tags);
        Assert.DoesNotContain(tags, t => t.StartsWith("cwe:", StringComparison.Ordinal));
        // An ATLAS sub-technique reaches ISO through OWASP.
        Assert.Contains("iso-42001:A.6.2.4", Catalog.Resolve(["atlas:AML.T0051.001"]).Select(r => r.Tag));
    }

    [Fact]
    public void Every_crosswalk_end_exists()
    {
        Assert.NotEmpty(Catalog.Links);
        var broken = Catalog.Links.SelectMany(l => l.To.Prepend(l.From)).Where(t => Catalog.FindTag(t) is null).Distinct().ToList();
        Assert.True(broken.Count == 0, "crosswalk tags naming no item: " + string.Join(", ", broken));
        Assert.Contains(Catalog.Links, l => l.Provenance.StartsWith("derived: IBM", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_owasp_llm_item_and_every_nist_subcategory_rules_use_has_a_crosswalk()
    {
        var sources = Catalog.Links.Where(l => l.Provenance == "authored").Select(l => l.From).ToHashSet();
        foreach (var item in Catalog.Get("owasp-llm-2025").Controls) Assert.Contains("owasp-llm:" + item.Id, sources);
        var ruleTags = Bulwark.Kernel.RulePacks.RuleCatalog.Load(includeNer: true).Rules.SelectMany(r => r.Tags)
            .Where(t => t.StartsWith("nist-ai-rmf:", StringComparison.Ordinal)).Distinct();
        foreach (var tag in ruleTags) Assert.Contains(tag, sources);
    }

    [Fact]
    public void Obligations_carry_role_tier_articles_and_application_date()
    {
        var act = Catalog.Get("eu-ai-act");
        Assert.All(act.Controls, o =>
        {
            Assert.Contains(o.Attributes["role"], new[] { "provider", "deployer", "both" });
            Assert.Contains(o.Attributes["tier"], new[] { "prohibited", "high", "limited", "gpai", "all" });
            Assert.Matches(@"^2\d{3}-\d\d-\d\d$", o.Attributes["applies-from"]);
            Assert.NotEmpty(o.Attributes["articles"]);
        });
        Assert.Equal("2025-02-02", act.Find("OBL-PROHIBITED")!.Attributes["applies-from"]);
        Assert.Equal("2025-08-02", act.Find("OBL-GPAI-53")!.Attributes["applies-from"]);
        Assert.Equal("2026-08-02", act.Find("OBL-TRANSPARENCY-50")!.Attributes["applies-from"]);
        Assert.Equal("2027-08-02", act.Find("OBL-HR-ANNEX-I-6-1")!.Attributes["applies-from"]);
        Assert.Equal("2025-02-02", act.Find("Art.4")!.Attributes["applies-from"]);
        Assert.Equal("Biometrics", act.Find("ANNEX-III-1")!.Title);
    }

    [Fact]
    public void Bundled_texts_are_short_summaries_not_owasp_or_iso_text()
    {
        Assert.All(Catalog.Get("iso-42001").Items, i => Assert.Null(i.Description));
        Assert.All(Catalog.Get("owasp-llm-2025").Items, i => Assert.InRange(i.Description!.Length, 20, 160));
        Assert.All(Catalog.Get("owasp-agentic-2026").Items, i => Assert.InRange(i.Description!.Length, 20, 160));
    }

    [Fact]
    public void Every_gateway_guard_maps_to_framework_items()
    {
        foreach (var guard in Bulwark.Scanning.GuardPipelines.Known)
        {
            Assert.Contains(guard, GuardControls.Guards);
            Assert.NotEmpty(Catalog.Resolve(GuardControls.TagsFor(guard)));
            Assert.All(GuardControls.TagsFor(guard), t => Assert.NotNull(Catalog.FindTag(t)));
        }
        Assert.Empty(GuardControls.TagsFor("no-such-guard"));
    }

    [Fact]
    public void Coverage_counts_rules_and_guards_per_control()
    {
        var rules = Bulwark.Kernel.RulePacks.RuleCatalog.Load().Rules;
        var owasp = ControlCoverage.For(Catalog, Catalog.Get("owasp-llm-2025"), rules);
        var llm01 = owasp.Entries.Single(e => e.Control.Id == "LLM01");
        Assert.Contains("prompt-attack", llm01.Guards);
        Assert.NotEmpty(llm01.Rules);
        Assert.InRange(owasp.Share, 0.5, 1);
        // A sub-technique tag counts for its technique.
        var atlas = ControlCoverage.For(Catalog, Catalog.Get("mitre-atlas"), [], ["prompt-attack"]);
        Assert.Contains("prompt-attack", atlas.Entries.Single(e => e.Control.Id == "AML.T0051").Guards);
        Assert.Equal(ControlCoverage.ForAll(Catalog, rules).Count, Catalog.Frameworks.Count);
    }
}
