using Bulwark.Kernel.RulePacks;

namespace Bulwark.Governance.Catalogs;

/// <summary>One assessable item and what covers it.</summary>
public sealed record ControlCoverageEntry(ControlItem Control, IReadOnlyList<string> Rules, IReadOnlyList<string> Guards)
{
    public bool Covered => Rules.Count > 0 || Guards.Count > 0;
}

/// <summary>The coverage of one framework's assessable items by rules and guards.</summary>
public sealed record ControlCoverageReport(Framework Framework, IReadOnlyList<ControlCoverageEntry> Entries)
{
    public int CoveredCount => Entries.Count(e => e.Covered);

    /// <summary>Covered items over assessable items, 0 to 1 (0 for a framework with none).</summary>
    public double Share => Entries.Count == 0 ? 0 : (double)CoveredCount / Entries.Count;
}

/// <summary>
/// Which rules (by their tags) and which gateway guards (by <see cref="GuardControls"/>) cover each assessable item
/// of a framework, through <see cref="FrameworkCatalog.Resolve"/>. A resolved item below the assessable level (an
/// ATLAS sub-technique) counts for its assessable ancestor (the technique).
/// </summary>
public static class ControlCoverage
{
    /// <param name="guards">The guards to count (a gateway policy's); all of <see cref="GuardControls.Guards"/> when null.</param>
    public static ControlCoverageReport For(FrameworkCatalog catalog, Framework framework, IEnumerable<Rule> rules, IEnumerable<string>? guards = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(framework);
        ArgumentNullException.ThrowIfNull(rules);
        var byRule = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var byGuard = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        // Rules share few distinct tag sets: resolve each set once.
        var resolved = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var key = string.Join('\n', rule.Tags);
            if (!resolved.TryGetValue(key, out var controls)) resolved[key] = controls = ControlsOf(catalog, framework, rule.Tags);
            foreach (var control in controls) Add(byRule, control, rule.Id);
        }
        foreach (var guard in guards ?? GuardControls.Guards)
        {
            foreach (var control in ControlsOf(catalog, framework, GuardControls.TagsFor(guard))) Add(byGuard, control, guard);
        }
        var entries = framework.Controls
            .Select(c => new ControlCoverageEntry(c, byRule.GetValueOrDefault(c.Id) ?? [], byGuard.GetValueOrDefault(c.Id) ?? []))
            .ToList();
        return new ControlCoverageReport(framework, entries);
    }

    /// <summary>The coverage of every framework of the catalog.</summary>
    public static IReadOnlyList<ControlCoverageReport> ForAll(FrameworkCatalog catalog, IEnumerable<Rule> rules, IEnumerable<string>? guards = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var list = rules.ToList();
        var guardList = guards?.ToList();
        return catalog.Frameworks.Select(f => For(catalog, f, list, guardList)).ToList();
    }

    private static List<string> ControlsOf(FrameworkCatalog catalog, Framework framework, IEnumerable<string> tags) =>
        catalog.Resolve(tags).Where(r => r.Framework.Id == framework.Id)
            .Select(r => AssessableAncestor(framework, r.Item)?.Id).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static ControlItem? AssessableAncestor(Framework framework, ControlItem? item)
    {
        for (var depth = 0; item is not null && depth < 8; depth++)
        {
            if (framework.IsControl(item)) return item;
            item = item.Parent is null ? null : framework.Find(item.Parent);
        }
        return null;
    }

    private static void Add(Dictionary<string, List<string>> map, string control, string by)
    {
        var list = map.TryGetValue(control, out var existing) ? existing : map[control] = [];
        if (!list.Contains(by, StringComparer.Ordinal)) list.Add(by);
    }
}
