using Bulwark.Eval;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Governance;

/// <summary>
/// Every rule of every embedded pack maps to at least one item of a governance framework (MITRE ATLAS, OWASP Top 10
/// for LLM Applications, NIST AI RMF), and every framework tag names an item that exists in the catalogs of
/// ../shared/catalogs: a typo in a tag fails here, not in an auditor's hands.
/// </summary>
public class RuleCatalogMappingTests
{
    private static readonly string[] FrameworkPrefixes = ["atlas:", "owasp-llm:", "nist-ai-rmf:"];
    private static readonly RuleCatalog Catalog = RuleCatalog.Load(includeNer: true);

    [Fact]
    public void Every_rule_maps_to_at_least_one_framework_item()
    {
        var unmapped = Catalog.Rules.Where(r => !r.Tags.Any(t => FrameworkPrefixes.Any(p => t.StartsWith(p, StringComparison.Ordinal)))).Select(r => r.Id).ToList();
        Assert.True(unmapped.Count == 0, $"{unmapped.Count} rules map to no framework item: {string.Join(", ", unmapped.Take(20))}");
    }

    [SharedDataFact]
    public void Every_framework_tag_names_an_item_of_the_shared_catalogs()
    {
        var catalogs = Path.Combine(RepositoryPaths.Shared!, "catalogs");
        var atlas = File.ReadLines(Path.Combine(catalogs, "mitre_atlas", "atlas_index.csv")).Skip(1).Select(l => l.Split(',')[0]).ToHashSet(StringComparer.Ordinal);
        // OWASP codes are written LLM01:2025 in the catalog; rules tag the item (LLM01).
        var owasp = File.ReadLines(Path.Combine(catalogs, "owasp_llm_top10_2025", "owasp_llm_top10_2025.csv")).Skip(1).Select(l => l.Split(',')[0].Split(':')[0]).ToHashSet(StringComparer.Ordinal);
        // NIST AI RMF subcategories are "MEASURE 2.7" in the catalog; rules tag MS-2.7 as the RMF playbook abbreviates them.
        var functions = new Dictionary<string, string> { ["GV"] = "GOVERN", ["MP"] = "MAP", ["MS"] = "MEASURE", ["MG"] = "MANAGE" };
        var nist = File.ReadLines(Path.Combine(catalogs, "nist_ai_rmf", "nist_ai_rmf_1.0_core.csv")).Skip(1).Select(l => l.Split(',')[0]).ToHashSet(StringComparer.Ordinal);

        var unknown = new List<string>();
        foreach (var rule in Catalog.Rules)
        {
            foreach (var tag in rule.Tags)
            {
                var (scheme, id) = (tag.Split(':')[0], tag[(tag.IndexOf(':', StringComparison.Ordinal) + 1)..]);
                var known = scheme switch
                {
                    "atlas" => atlas.Contains(id),
                    "owasp-llm" => owasp.Contains(id),
                    "nist-ai-rmf" => id.Split('-') is [var f, var number] && functions.TryGetValue(f, out var function) && nist.Contains($"{function} {number}"),
                    _ => true,
                };
                if (!known) unknown.Add($"{rule.Id}: {tag}");
            }
        }
        Assert.True(unknown.Count == 0, string.Join("\n", unknown.Distinct().Take(40)));
    }
}
