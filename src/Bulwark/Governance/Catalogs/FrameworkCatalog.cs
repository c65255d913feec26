using System.Text.RegularExpressions;
using Bulwark.Kernel;

namespace Bulwark.Governance.Catalogs;

/// <summary>
/// The governance frameworks and the crosswalks between them. <see cref="Resolve"/> turns the tags rules and guards
/// carry (<c>nist-ai-rmf:MS-2.7</c>, <c>owasp-llm:LLM02</c>, <c>atlas:AML.T0051.001</c>) into framework items,
/// following crosswalk links transitively so that a rule tagged with an OWASP risk also counts for the ISO 42001
/// controls and EU AI Act obligations that risk maps to (docs/governance-controls.md).
/// </summary>
public sealed partial class FrameworkCatalog
{
    private static readonly Lazy<FrameworkCatalog> Bundled = new(EmbeddedCatalogs.Load);

    private readonly List<Framework> _frameworks;
    private readonly Dictionary<string, Framework> _byId;
    private readonly Dictionary<string, Framework> _byScheme;
    private readonly Dictionary<string, List<ControlRef>> _links = new(StringComparer.Ordinal);

    internal FrameworkCatalog(IReadOnlyList<Framework> frameworks, IReadOnlyList<CrosswalkLink> links)
    {
        _frameworks = [.. frameworks];
        _byId = frameworks.ToDictionary(f => f.Id, StringComparer.OrdinalIgnoreCase);
        // A tag's scheme is the framework's tag prefix (owasp-llm:) or, as well, its id (owasp-llm-2025:).
        _byScheme = new Dictionary<string, Framework>(StringComparer.OrdinalIgnoreCase);
        foreach (var framework in frameworks)
        {
            _byScheme.TryAdd(framework.TagPrefix.TrimEnd(':'), framework);
            _byScheme.TryAdd(framework.Id, framework);
        }
        Links = links;
        foreach (var link in links)
        {
            // Bundled links are checked by tests; a link whose end is missing (a user framework replaced) is skipped.
            if (FindTag(link.From) is not { } from) continue;
            var targets = _links.TryGetValue(Key(from), out var list) ? list : _links[Key(from)] = [];
            targets.AddRange(link.To.Select(FindTag).OfType<ControlRef>());
        }
    }

    /// <summary>The catalogs bundled in the library, loaded once.</summary>
    public static FrameworkCatalog Embedded => Bundled.Value;

    public IReadOnlyList<Framework> Frameworks => _frameworks;

    internal IReadOnlyList<CrosswalkLink> Links { get; }

    /// <summary>The framework with this id; a <see cref="BulwarkInputException"/> listing the known ids otherwise.</summary>
    public Framework Get(string id) => _byId.GetValueOrDefault(id ?? "")
        ?? throw new BulwarkInputException($"unknown framework '{id}' (known: {string.Join(", ", _frameworks.Select(f => f.Id))})");

    /// <summary>The item a single tag names (<c>scheme:id</c>), or null for an unknown scheme or item.</summary>
    internal ControlRef? FindTag(string tag)
    {
        var colon = tag.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !_byScheme.TryGetValue(tag[..colon], out var framework)) return null;
        return framework.Find(tag[(colon + 1)..]) is { } item ? new ControlRef(framework, item) : null;
    }

    /// <summary>
    /// The items the tags name, then every item the crosswalks link them to (transitively), each once, in that order.
    /// Tags of unknown schemes (<c>cwe:</c>) and unknown items are ignored.
    /// </summary>
    public IReadOnlyList<ControlRef> Resolve(IEnumerable<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<ControlRef>();
        var pending = new Queue<ControlRef>();
        foreach (var reference in tags.Select(FindTag).OfType<ControlRef>()) Visit(reference);
        while (pending.TryDequeue(out var reference))
        {
            foreach (var linked in _links.GetValueOrDefault(Key(reference)) ?? []) Visit(linked);
        }
        return found;

        void Visit(ControlRef reference)
        {
            if (!seen.Add(Key(reference))) return;
            found.Add(reference);
            pending.Enqueue(reference);
        }
    }

    /// <summary>
    /// A catalog whose framework carries the full texts of a user's file (ATLAS.yaml, the NIST AI RMF core JSON/CSV,
    /// NIST 600-1 actions YAML/CSV, OWASP YAML/CSV, or any CSV with <c>id,title,description</c>). For a bundled
    /// framework the file fills descriptions of known items; an id the catalog does not know creates a new framework
    /// from the file (tag prefix <c>ID:</c>, every item assessable).
    /// </summary>
    public FrameworkCatalog WithImport(string frameworkId, string path)
    {
        ArgumentNullException.ThrowIfNull(frameworkId);
        var entries = FrameworkImport.Read(path);
        Framework framework;
        if (_byId.TryGetValue(frameworkId, out var existing))
        {
            framework = Fill(existing, entries, path);
        }
        else
        {
            if (!FrameworkIdPattern().IsMatch(frameworkId))
                throw new BulwarkInputException($"unknown framework '{frameworkId}' (known: {string.Join(", ", _frameworks.Select(f => f.Id))}); a new one needs a kebab-case id");
            framework = NewFramework(frameworkId, entries, path);
        }
        var frameworks = _frameworks.Select(f => f.Id == framework.Id ? framework : f).ToList();
        if (existing is null) frameworks.Add(framework);
        return new FrameworkCatalog(frameworks, Links);
    }

    private static Framework Fill(Framework framework, IReadOnlyList<ImportedText> entries, string path)
    {
        var texts = new Dictionary<string, ImportedText>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (framework.Find(entry.Id) is { } item && !string.IsNullOrWhiteSpace(entry.Description)) texts.TryAdd(item.Id, entry);
        }
        if (texts.Count == 0)
            throw new BulwarkInputException($"{path}: none of its {entries.Count:N0} entries is an item of {framework.Id} with a description (first id: '{entries[0].Id}'); is it the right file for this framework?");
        var items = framework.Items.Select(i => texts.TryGetValue(i.Id, out var text) ? i with { Description = text.Description } : i).ToList();
        return framework.WithItems(items);
    }

    private static Framework NewFramework(string id, IReadOnlyList<ImportedText> entries, string path)
    {
        var items = new List<ControlItem>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            if (!ids.Add(entry.Id)) throw new BulwarkInputException($"{path}:{entry.Line}: duplicate id '{entry.Id}'");
            items.Add(new ControlItem(entry.Id, entry.Title ?? entry.Id, entry.Kind ?? "item", entry.Parent, entry.Description));
        }
        var kinds = items.Select(i => i.Kind).Distinct(StringComparer.Ordinal).ToList();
        return new Framework(id, id, "imported", id + ":", kinds, $"imported from {Path.GetFileName(path)}", items,
            new Dictionary<string, string>(), new Dictionary<string, string>());
    }

    private static string Key(ControlRef reference) => reference.Framework.Id + "\n" + reference.Item.Id;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex FrameworkIdPattern();
}
