using System.Text.RegularExpressions;

namespace Bulwark.Governance.Catalogs;

/// <summary>
/// One framework (NIST AI RMF, ISO/IEC 42001 Annex A, OWASP LLM Top 10 …): its items in catalog order, the assessable
/// ones among them, and a lookup that accepts the spellings tags use (<c>MS-2.7</c> for <c>MEASURE 2.7</c>,
/// <c>LLM01:2025</c> for <c>LLM01</c>, <c>Article 15</c> for <c>Art.15</c>).
/// </summary>
public sealed partial class Framework
{
    private readonly Dictionary<string, ControlItem> _bySpelling;
    private readonly IReadOnlyDictionary<string, string> _aliases;
    private readonly IReadOnlyDictionary<string, string> _tagIds;
    private readonly HashSet<string> _controlKinds;

    /// <param name="aliases">Other spellings → item id.</param>
    /// <param name="tagIds">Item id → the spelling tags prefer, where it differs from the id.</param>
    internal Framework(string id, string name, string version, string tagPrefix, IEnumerable<string> controlKinds, string source,
        IReadOnlyList<ControlItem> items, IReadOnlyDictionary<string, string> aliases, IReadOnlyDictionary<string, string> tagIds)
    {
        Id = id;
        Name = name;
        Version = version;
        TagPrefix = tagPrefix;
        Source = source;
        Items = items;
        _aliases = aliases;
        _tagIds = tagIds;
        _controlKinds = new HashSet<string>(controlKinds, StringComparer.Ordinal);
        Controls = items.Where(i => _controlKinds.Contains(i.Kind)).ToList();
        _bySpelling = new Dictionary<string, ControlItem>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            if (!_bySpelling.TryAdd(Normalise(item.Id), item)) throw new InvalidOperationException($"{id}: duplicate item id '{item.Id}'");
        }
        foreach (var (alias, target) in aliases)
        {
            var item = _bySpelling.GetValueOrDefault(Normalise(target)) ?? throw new InvalidOperationException($"{id}: alias '{alias}' names no item '{target}'");
            _bySpelling.TryAdd(Normalise(alias), item);
        }
    }

    public string Id { get; }
    public string Name { get; }
    public string Version { get; }

    /// <summary>The scheme rules write before an item id, colon included: <c>owasp-llm:</c>, <c>atlas:</c>.</summary>
    public string TagPrefix { get; }

    /// <summary>Where the ids and titles come from, and their licence.</summary>
    public string Source { get; }

    public IReadOnlyList<ControlItem> Items { get; }

    /// <summary>The assessable level: subcategories, controls, risks, obligations or techniques.</summary>
    public IReadOnlyList<ControlItem> Controls { get; }

    internal IReadOnlyCollection<string> ControlKinds => _controlKinds;

    /// <summary>The item with this id or another accepted spelling (case-insensitive, the tag prefix optional).</summary>
    public ControlItem? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var spelling = id.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase) ? id[TagPrefix.Length..] : id;
        return _bySpelling.GetValueOrDefault(Normalise(spelling));
    }

    public bool IsControl(ControlItem item) => _controlKinds.Contains(item.Kind);

    internal string TagId(ControlItem item) => _tagIds.GetValueOrDefault(item.Id) ?? item.Id;

    /// <summary>The same framework with other items (an import's descriptions, or new items); spellings are kept.</summary>
    internal Framework WithItems(IReadOnlyList<ControlItem> items, IEnumerable<string>? controlKinds = null) =>
        new(Id, Name, Version, TagPrefix, controlKinds ?? _controlKinds, Source, items, _aliases, _tagIds);

    // "MEASURE  2.7" and "MEASURE 2.7" are one spelling; case is handled by the dictionary.
    private static string Normalise(string spelling) => Whitespace().Replace(spelling.Trim(), " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
