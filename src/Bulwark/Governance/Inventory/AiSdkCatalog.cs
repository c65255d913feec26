using Bulwark.Kernel;

namespace Bulwark.Governance.Inventory;

/// <summary>One provider of the embedded <c>ai-sdks.yaml</c>.</summary>
internal sealed record AiProvider(string Id, string Name, string Kind);

/// <summary>
/// The embedded SDK → provider table (<c>ai-sdks.yaml</c>): which imports, packages and hosts show which AI
/// provider, which API-key variable names show it, and the provider names an inventory may write.
/// </summary>
internal sealed class AiSdkCatalog
{
    private const string ResourceName = "Bulwark.Governance.ai-sdks.yaml";

    private static readonly Lazy<AiSdkCatalog> Embedded = new(LoadEmbedded);

    private readonly Dictionary<string, AiProvider> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiProvider> _byService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiProvider> _pythonImports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiProvider> _pythonPackages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiProvider> _npm = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiProvider> _nuget = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, AiProvider> _go = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiProvider> _java = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiProvider> _maven = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AiProvider> _envVars = new(StringComparer.Ordinal);
    private readonly Dictionary<int, AiProvider> _ports = [];
    private readonly List<(string Marker, AiProvider Provider)> _markers = [];

    private AiSdkCatalog(SdkDocument document, string source)
    {
        foreach (var entry in document.Providers ?? [])
        {
            if (entry is null || string.IsNullOrWhiteSpace(entry.Id) || string.IsNullOrWhiteSpace(entry.Name))
                throw new BulwarkInputException($"{source}: every provider needs an id and a name");
            var provider = new AiProvider(entry.Id, entry.Name, entry.Kind ?? "model-provider");
            Providers.Add(provider);
            foreach (var key in (entry.Aliases ?? []).Append(entry.Id).Append(entry.Name)) Add(_byKey, ProviderKey(key), provider, source);
            foreach (var service in entry.Services ?? []) Add(_byService, service, provider, source);
            foreach (var name in entry.PythonImports ?? []) Add(_pythonImports, name, provider, source);
            foreach (var name in entry.PythonPackages ?? []) Add(_pythonPackages, NormalizePythonPackage(name), provider, source);
            foreach (var name in entry.Npm ?? []) Add(_npm, name, provider, source);
            foreach (var name in entry.Nuget ?? []) Add(_nuget, name, provider, source);
            foreach (var name in entry.Go ?? []) Add(_go, name, provider, source);
            foreach (var name in entry.Java ?? []) Add(_java, name, provider, source);
            foreach (var name in entry.Maven ?? []) Add(_maven, name, provider, source);
            foreach (var name in entry.EnvVars ?? []) Add(_envVars, name, provider, source);
            foreach (var port in entry.LocalPorts ?? []) _ports[port] = provider;
            foreach (var marker in entry.Markers ?? []) _markers.Add((marker, provider));
        }
    }

    public static AiSdkCatalog Default => Embedded.Value;

    public List<AiProvider> Providers { get; } = [];

    public IReadOnlyList<(string Marker, AiProvider Provider)> Markers => _markers;

    /// <summary>How provider names are compared: lower case, letters and digits only ("Hugging Face" = hugging-face).</summary>
    public static string ProviderKey(string name) =>
        string.Concat(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant));

    /// <summary>PEP 503: lower case, runs of <c>-_.</c> as one <c>-</c>.</summary>
    public static string NormalizePythonPackage(string name)
    {
        var chars = new List<char>(name.Length);
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            var d = c is '_' or '.' ? '-' : c;
            if (d == '-' && chars.Count > 0 && chars[^1] == '-') continue;
            chars.Add(d);
        }
        return new string([.. chars]);
    }

    /// <summary>The provider an inventory's name (id, name or alias, any spelling) means, or null.</summary>
    public AiProvider? FindProvider(string name) => _byKey.GetValueOrDefault(ProviderKey(name));

    /// <summary>The provider of a shadow-AI catalog service id, or null.</summary>
    public AiProvider? ForService(string serviceId) => _byService.GetValueOrDefault(serviceId);

    public AiProvider? ForPort(int port) => _ports.GetValueOrDefault(port);

    /// <summary>A Python module (dotted): the longest listed prefix.</summary>
    public (string Name, AiProvider Provider)? PythonImport(string module) => LongestPrefix(_pythonImports, module, '.');

    public (string Name, AiProvider Provider)? PythonPackage(string package) =>
        _pythonPackages.TryGetValue(NormalizePythonPackage(package), out var provider) ? (package, provider) : null;

    /// <summary>An npm specifier (<c>@scope/pkg/sub</c>, <c>pkg/sub</c>): its package name, exactly.</summary>
    public (string Name, AiProvider Provider)? Npm(string specifier)
    {
        var parts = specifier.Split('/');
        var package = specifier.StartsWith('@') && parts.Length >= 2 ? parts[0] + "/" + parts[1] : parts[0];
        return _npm.TryGetValue(package, out var provider) ? (package, provider) : null;
    }

    public (string Name, AiProvider Provider)? Nuget(string idOrNamespace) => LongestPrefix(_nuget, idOrNamespace, '.');

    public (string Name, AiProvider Provider)? Go(string path) => LongestPrefix(_go, path, '/');

    public (string Name, AiProvider Provider)? Java(string package) => LongestPrefix(_java, package, '.');

    public (string Name, AiProvider Provider)? Maven(string coordinate) =>
        _maven.TryGetValue(coordinate, out var provider) ? (coordinate, provider) : null;

    /// <summary>An environment variable's name (exact, case-sensitive): the provider whose API key or endpoint it holds.</summary>
    public AiProvider? EnvVar(string name) => _envVars.GetValueOrDefault(name);

    private static (string Name, AiProvider Provider)? LongestPrefix(Dictionary<string, AiProvider> table, string name, char separator)
    {
        var candidate = name;
        while (true)
        {
            if (table.TryGetValue(candidate, out var provider)) return (candidate, provider);
            var cut = candidate.LastIndexOf(separator);
            if (cut <= 0) return null;
            candidate = candidate[..cut];
        }
    }

    private static void Add<TKey>(Dictionary<TKey, AiProvider> table, TKey key, AiProvider provider, string source)
        where TKey : notnull
    {
        if (table.TryGetValue(key, out var other) && other.Id != provider.Id)
            throw new BulwarkInputException($"{source}: '{key}' is listed for both {other.Id} and {provider.Id}");
        table[key] = provider;
    }

    private static AiSdkCatalog LoadEmbedded()
    {
        const string source = "embedded:ai-sdks.yaml";
        return new AiSdkCatalog(YamlInput.Deserialize<SdkDocument>(EmbeddedText.Read(ResourceName), source, "AI SDK table") ?? new SdkDocument(), source);
    }
}

#pragma warning disable CA1002, CA2227, CA1812 // DTOs for the YAML deserializer
internal sealed class SdkDocument
{
    public List<SdkProviderEntry?>? Providers { get; set; }
}

internal sealed class SdkProviderEntry
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public List<string>? Aliases { get; set; }
    public List<string>? Services { get; set; }
    public List<string>? PythonImports { get; set; }
    public List<string>? PythonPackages { get; set; }
    public List<string>? Npm { get; set; }
    public List<string>? Nuget { get; set; }
    public List<string>? Go { get; set; }
    public List<string>? Java { get; set; }
    public List<string>? Maven { get; set; }
    public List<string>? Markers { get; set; }
    public List<string>? EnvVars { get; set; }
    public List<int>? LocalPorts { get; set; }
}
#pragma warning restore CA1002, CA2227, CA1812
