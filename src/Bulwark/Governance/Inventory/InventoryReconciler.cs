namespace Bulwark.Governance.Inventory;

/// <summary>
/// Matches discovered AI use to the declared systems. A use goes to the one system that claims it most strongly —
/// a declared model name or domain (strongest), then a declared provider, with a code path that holds the use's file
/// as the tie-breaker (ties: the system declared first). A use of a known provider matches only through its provider,
/// model or domain: a code path alone never declares a provider the system does not list. A use without a provider
/// (a model file) is claimed by a model name or a code path.
/// </summary>
public static class InventoryReconciler
{
    public static InventoryReport Reconcile(AiInventory? declared, IEnumerable<DiscoveredAiUse> discovered)
    {
        ArgumentNullException.ThrowIfNull(discovered);
        var systems = declared?.Systems ?? [];
        var claims = systems.Select(s => new SystemClaims(s)).ToArray();
        var matched = systems.Select(_ => new List<DiscoveredAiUse>()).ToArray();
        var undeclared = new Dictionary<string, (string Name, List<DiscoveredAiUse> Uses)>(StringComparer.Ordinal);

        foreach (var use in discovered.Distinct())
        {
            var best = -1;
            var bestScore = 0;
            for (var i = 0; i < claims.Length; i++)
            {
                var score = claims[i].Score(use);
                if (score > bestScore)
                {
                    best = i;
                    bestScore = score;
                }
            }
            if (best >= 0)
            {
                matched[best].Add(use);
                continue;
            }
            var (key, name) = GroupOf(use);
            if (!undeclared.TryGetValue(key, out var group)) undeclared[key] = group = (name, []);
            group.Uses.Add(use);
        }

        var entries = new List<InventoryEntry>();
        entries.AddRange(undeclared.Values
            .Select(g => new InventoryEntry(g.Name, InventoryStatus.Undeclared, null, Sorted(g.Uses)))
            .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Name, StringComparer.Ordinal));
        for (var i = 0; i < systems.Count; i++)
        {
            if (matched[i].Count > 0) entries.Add(new InventoryEntry(systems[i].Name, InventoryStatus.Declared, systems[i], Sorted(matched[i])));
        }
        for (var i = 0; i < systems.Count; i++)
        {
            if (matched[i].Count == 0) entries.Add(new InventoryEntry(systems[i].Name, InventoryStatus.NotObserved, systems[i], []));
        }
        return new InventoryReport(declared?.Path, entries);
    }

    // One undeclared provider is one entry, whatever the number of files using it. Uses without a provider: model
    // files by folder (a checkpoint folder is one system), gateway routes and the rest by name.
    private static (string Key, string Name) GroupOf(DiscoveredAiUse use)
    {
        if (use.Provider is { Length: > 0 } provider)
        {
            var known = AiSdkCatalog.Default.FindProvider(provider);
            return ("provider:" + (known?.Id ?? AiSdkCatalog.ProviderKey(provider)), known?.Name ?? provider);
        }
        if (use.Source == DiscoverySource.ModelFile)
        {
            var file = use.File ?? use.Name;
            var cut = file.LastIndexOf('/');
            var folder = cut < 0 ? "" : file[..cut];
            return ("models:" + folder, folder.Length == 0 ? "Model files" : $"Model files in {folder}/");
        }
        return (use.Source + ":" + use.Name.ToLowerInvariant(), use.Source == DiscoverySource.GatewayModel ? $"Gateway model '{use.Name}'" : use.Name);
    }

    private static List<DiscoveredAiUse> Sorted(List<DiscoveredAiUse> uses) =>
        [.. uses.OrderBy(u => u.File ?? "", StringComparer.Ordinal).ThenBy(u => u.Line ?? 0).ThenBy(u => u.Source).ThenBy(u => u.Name, StringComparer.Ordinal).ThenBy(u => u.Evidence, StringComparer.Ordinal)];

    private sealed class SystemClaims
    {
        private readonly HashSet<string> _providers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _models = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _keys = new(StringComparer.OrdinalIgnoreCase);
        private readonly string[] _domains;
        private readonly string[] _paths;

        public SystemClaims(DeclaredSystem system)
        {
            foreach (var provider in system.Providers.Concat(system.Models.Select(m => m.Provider).OfType<string>())) _providers.Add(KeyOf(provider));
            foreach (var model in system.Models) _models.Add(model.Name);
            foreach (var key in system.GatewayKeys) _keys.Add(key);
            _domains = [.. system.Domains.Select(d => d.ToLowerInvariant())];
            _paths = [.. system.CodePaths.Select(AiInventoryReader.NormalizePath)];
        }

        /// <summary>0: no claim; higher is stronger.</summary>
        public int Score(DiscoveredAiUse use)
        {
            var inPath = use.File is { } file && _paths.Any(p => UnderPath(file, p));
            // Gateway traffic belongs to the system that declares its key or its team.
            var strong = IsModel(use) || IsDomain(use.Name) || (use.GatewayKey is { } key && _keys.Contains(key)) || (use.Team is { } team && _keys.Contains(team));
            var provider = use.Provider is { Length: > 0 } p && _providers.Contains(KeyOf(p));
            if (!strong && !provider && !(inPath && use.Provider is null)) return 0;
            return (strong ? 4 : 0) + (provider ? 2 : 0) + (inPath ? 1 : 0);
        }

        private bool IsModel(DiscoveredAiUse use) =>
            _models.Contains(use.Name)
            || (use.Source == DiscoverySource.ModelFile && (_models.Contains(Path.GetFileNameWithoutExtension(use.Name)) || (use.File is { } f && _models.Contains(f))));

        private bool IsDomain(string name)
        {
            var host = name.ToLowerInvariant();
            var colon = host.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0) host = host[..colon];
            return _domains.Any(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal));
        }

        private static bool UnderPath(string file, string path) =>
            path.Length == 0
            || file.Equals(path, StringComparison.OrdinalIgnoreCase)
            || (file.Length > path.Length && file.StartsWith(path, StringComparison.OrdinalIgnoreCase) && file[path.Length] == '/');

        private static string KeyOf(string provider) => AiSdkCatalog.Default.FindProvider(provider)?.Id ?? AiSdkCatalog.ProviderKey(provider);
    }
}
