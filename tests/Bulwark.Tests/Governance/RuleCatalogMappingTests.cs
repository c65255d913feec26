using Bulwark.Eval;
using Bulwark.Governance.Catalogs;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Governance;

/// <summary>
/// Every rule of every embedded pack maps to at least one item of a governance framework, and every framework tag
/// names an item of the bundled catalogs (themselves checked against ../shared/catalogs): a typo in a tag fails here,
/// not in an auditor's hands.
/// </summary>
public class RuleCatalogMappingTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.Load(includeNer: true);
    private static readonly FrameworkCatalog Frameworks = FrameworkCatalog.Embedded;

    [Fact]
    public void Every_rule_maps_to_at_least_one_framework_item()
    {
        var unmapped = Catalog.Rules.Where(r => Frameworks.Resolve(r.Tags).Count == 0).Select(r => r.Id).ToList();
        Assert.True(unmapped.Count == 0, $"{unmapped.Count} rules map to no framework item: {string.Join(", ", unmapped.Take(20))}");
    }

    [Fact]
    public void Every_framework_tag_names_an_item_of_the_bundled_catalogs()
    {
        var unknown = Catalog.Rules
            .SelectMany(r => r.Tags.Select(t => (Rule: r.Id, Tag: t)))
            .Where(x => Frameworks.Frameworks.Any(f => x.Tag.StartsWith(f.TagPrefix, StringComparison.Ordinal)) && Frameworks.FindTag(x.Tag) is null)
            .Select(x => $"{x.Rule}: {x.Tag}").Distinct().ToList();
        Assert.True(unknown.Count == 0, string.Join("\n", unknown.Take(40)));
    }

    [SharedDataFact]
    public void Bundled_ids_are_the_ids_of_the_shared_catalogs()
    {
        var catalogs = Path.Combine(RepositoryPaths.Shared!, "catalogs");
        IEnumerable<string> Column(string file, int column) => File.ReadLines(Path.Combine(catalogs, file)).Skip(1).Select(l => l.Split(',')[column]);
        void Same(string framework, IEnumerable<string> expected, Func<ControlItem, bool>? which = null) =>
            Assert.Equal(expected.Order(StringComparer.Ordinal), Frameworks.Get(framework).Items.Where(which ?? (_ => true)).Select(i => i.Id).Order(StringComparer.Ordinal));

        Same("mitre-atlas", Column("mitre_atlas/atlas_index.csv", 0));
        // OWASP codes are written LLM01:2025 in the catalog; the bundled item is LLM01.
        Same("owasp-llm-2025", Column("owasp_llm_top10_2025/owasp_llm_top10_2025.csv", 0).Select(c => c.Split(':')[0]));
        Same("nist-ai-rmf", Column("nist_ai_rmf/nist_ai_rmf_1.0_core.csv", 0));
        Same("nist-ai-600-1", Column("nist_ai_600_1/nist_ai_600_1_actions.csv", 0), i => i.Kind == "action");
        Same("nist-ai-600-1", Column("nist_ai_600_1/nist_ai_600_1_risks.csv", 0).Select(r => r["nist-".Length..]), i => i.Kind == "risk");
        Same("iso-42001", File.ReadLines(Path.Combine(catalogs, "iso_iec_42001/iso_iec_42001_2023_ids_titles.csv")).Skip(1)
            .Select(l => l.Split(',')).Where(f => f[1] == "annex_a").Select(f => f[0]));
    }
}
