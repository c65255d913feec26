namespace Bulwark.Kernel.RulePacks;

/// <summary>
/// The rules in force for a run: the embedded packs plus extra packs, minus the rules disabled by id.
/// Immutable; filters return new catalogs.
/// </summary>
public sealed class RuleCatalog
{
    private RuleCatalog(IReadOnlyList<RulePack> packs, IReadOnlyList<Rule> rules, IReadOnlySet<string> disabled)
    {
        Packs = packs;
        Rules = rules;
        Disabled = disabled;
    }

    public IReadOnlyList<RulePack> Packs { get; }

    /// <summary>Enabled rules, ordered by id.</summary>
    public IReadOnlyList<Rule> Rules { get; }

    public IReadOnlySet<string> Disabled { get; }

    /// <param name="extraPackPaths">Files or directories of extra packs (<c>--rules</c>).</param>
    /// <param name="disabledIds">Rule ids to switch off (<c>--disable</c>); an unknown id is an error, to catch typos.</param>
    /// <param name="includeEmbedded">False to run only the extra packs.</param>
    /// <param name="includeNer">True to add the optional NER pack (<c>ner-*</c> detectors, which need a NER model),
    /// with or without the other embedded packs.</param>
    public static RuleCatalog Load(IEnumerable<string>? extraPackPaths = null, IEnumerable<string>? disabledIds = null, bool includeEmbedded = true, bool includeNer = false)
    {
        var packs = new List<RulePack>();
        if (includeEmbedded) packs.AddRange(RulePackLoader.LoadEmbedded());
        if (includeNer) packs.Add(RulePackLoader.LoadEmbeddedNer());
        foreach (var path in extraPackPaths ?? []) packs.AddRange(RulePackLoader.LoadPath(path));
        return FromPacks(packs, disabledIds);
    }

    public static RuleCatalog FromPacks(IReadOnlyList<RulePack> packs, IEnumerable<string>? disabledIds = null)
    {
        var byId = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (var rule in packs.SelectMany(p => p.Rules))
        {
            if (byId.TryGetValue(rule.Id, out var existing))
                throw new BulwarkInputException($"rule id '{rule.Id}' is defined twice: in {existing.Source} and in {rule.Source} (disable the first with --disable to replace it)");
            byId.Add(rule.Id, rule);
        }

        var disabled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in disabledIds ?? [])
        {
            var trimmed = id.Trim();
            if (!byId.ContainsKey(trimmed)) throw new BulwarkInputException($"cannot disable unknown rule '{trimmed}' (see `bulwark rules list`)");
            disabled.Add(trimmed);
        }

        var rules = byId.Values.Where(r => !disabled.Contains(r.Id)).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        return new RuleCatalog(packs, rules, disabled);
    }

    public Rule? Find(string id) => Rules.FirstOrDefault(r => r.Id == id);
}
