using Bulwark.Kernel;

namespace Bulwark.Governance.Catalogs;

/// <summary>
/// Loads the catalogs bundled in the library (Frameworks/*.yaml, written by tools/catalogs/build.py) and the
/// crosswalks. A broken bundled file is a build defect, so it throws <see cref="InvalidOperationException"/>.
/// </summary>
internal static class EmbeddedCatalogs
{
    private const string ResourcePrefix = "Bulwark.Governance.Catalogs.";

    /// <summary>The bundled frameworks, in the order reports list them.</summary>
    public static readonly string[] FrameworkIds =
        ["nist-ai-rmf", "nist-ai-600-1", "eu-ai-act", "iso-42001", "owasp-llm-2025", "owasp-agentic-2026", "mitre-atlas"];

    public static FrameworkCatalog Load()
    {
        var links = new List<CrosswalkLink>();
        var frameworks = FrameworkIds.Select(id => ToFramework(Read<FrameworkDocument>(id + ".yaml"), links)).ToList();
        var crosswalks = Read<CrosswalkDocument>("crosswalks.yaml");
        foreach (var link in crosswalks.Links ?? [])
            links.Add(new CrosswalkLink(link.From ?? "", link.To ?? [], link.Provenance ?? "authored"));
        return new FrameworkCatalog(frameworks, links);
    }

    public static T Read<T>(string file)
    {
        var text = EmbeddedText.Read(ResourcePrefix + file);
        try
        {
            return YamlInput.Deserialize<T>(text, "embedded:" + file, "catalog")
                ?? throw new InvalidOperationException($"embedded:{file} is empty");
        }
        catch (BulwarkInputException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    /// <summary>The framework; each item's <c>related</c> tags become crosswalk links.</summary>
    private static Framework ToFramework(FrameworkDocument file, List<CrosswalkLink> links)
    {
        var id = file.Id ?? throw new InvalidOperationException("a bundled framework has no id");
        var items = new List<ControlItem>();
        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var tagIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in file.Items ?? [])
        {
            var itemId = entry.Id ?? throw new InvalidOperationException($"{id}: an item has no id");
            items.Add(new ControlItem(itemId, entry.Title ?? itemId, entry.Kind ?? "item", entry.Parent, entry.Description)
            {
                Attributes = entry.Attributes ?? new Dictionary<string, string>(),
            });
            foreach (var alias in entry.Aliases ?? []) aliases.TryAdd(alias, itemId);
            if (entry.Tag is not null) tagIds[itemId] = entry.Tag;
            if (entry.Related is { Count: > 0 }) links.Add(new CrosswalkLink(file.TagPrefix + itemId, entry.Related, $"{id} catalog"));
        }
        return new Framework(id, file.Name ?? id, file.Version ?? "", file.TagPrefix ?? id + ":", file.ControlKinds ?? [], file.Source ?? "", items, aliases, tagIds);
    }
}

internal sealed class FrameworkDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Version { get; set; }
    public string? TagPrefix { get; set; }
    public List<string>? ControlKinds { get; set; }
    public string? Source { get; set; }
    public List<ItemEntry>? Items { get; set; }
}

internal sealed class ItemEntry
{
    public string? Id { get; set; }
    public string? Kind { get; set; }
    public string? Title { get; set; }
    public string? Parent { get; set; }
    public string? Tag { get; set; }
    public string? Description { get; set; }
    public List<string>? Aliases { get; set; }
    public List<string>? Related { get; set; }
    public Dictionary<string, string>? Attributes { get; set; }
}

internal sealed class CrosswalkDocument
{
    public List<CrosswalkEntry>? Links { get; set; }
}

internal sealed class CrosswalkEntry
{
    public string? From { get; set; }
    public List<string>? To { get; set; }
    public string? Provenance { get; set; }
}
