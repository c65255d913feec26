using System.Text.RegularExpressions;
using Bulwark.Kernel;
using YamlDotNet.Serialization;

namespace Bulwark.Governance.ShadowAi;

/// <summary>
/// The catalog of generative-AI services (the embedded <c>genai-services.yaml</c>, or a user's file of the same
/// shape): validated on load, every problem a <see cref="BulwarkInputException"/> that names the entry.
/// </summary>
public sealed partial class GenAiCatalog
{
    private const string ResourceName = "Bulwark.Governance.genai-services.yaml";

    /// <summary>Bound on a user-supplied catalog file.</summary>
    public const long MaxFileBytes = 8 * 1024 * 1024;

    /// <summary>Bound on the number of services (the matcher's table grows with it).</summary>
    public const int MaxServices = 50_000;

    private static readonly Lazy<GenAiCatalog> Embedded = new(LoadEmbedded);

    private readonly GenAiService[] _services;
    private readonly Dictionary<string, GenAiService> _byId;

    private GenAiCatalog(GenAiService[] services)
    {
        _services = services;
        _byId = services.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    /// <summary>The catalog shipped in the library.</summary>
    public static GenAiCatalog Default => Embedded.Value;

    /// <summary>In file order; a service's <see cref="GenAiService.Index"/> is its position here.</summary>
    public IReadOnlyList<GenAiService> Services => _services;

    public GenAiService? Find(string id) => _byId.GetValueOrDefault(id);

    public static GenAiCatalog Load(string path) => Parse(YamlInput.ReadFile(path, MaxFileBytes, "AI service catalog"), path);

    public static GenAiCatalog Parse(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var document = YamlInput.Deserialize<CatalogDocument>(yaml, source, "AI service catalog");
        var entries = document?.Services;
        if (entries is null || entries.Count == 0) throw new BulwarkInputException($"{source}: AI service catalog has no services");
        if (entries.Count > MaxServices) throw new BulwarkInputException($"{source}: AI service catalog has {entries.Count:N0} services, over the limit of {MaxServices:N0}");
        var services = new GenAiService[entries.Count];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i] ?? throw new BulwarkInputException($"{source}: service entry {i + 1} is empty");
            var where = $"{source}: service '{entry.Id}' (entry {i + 1})";
            if (string.IsNullOrWhiteSpace(entry.Id) || !IdPattern().IsMatch(entry.Id)) throw new BulwarkInputException($"{source}: service entry {i + 1}: id '{entry.Id}' must be kebab-case (a-z, 0-9, '-')");
            if (!ids.TryAdd(entry.Id, i)) throw new BulwarkInputException($"{where}: duplicate id (also entry {ids[entry.Id] + 1})");
            services[i] = ToService(i, entry, where, claimed);
        }
        return new GenAiCatalog(services);
    }

    private static GenAiService ToService(int index, ServiceEntry entry, string where, Dictionary<string, string> claimed)
    {
        if (string.IsNullOrWhiteSpace(entry.Name)) throw new BulwarkInputException($"{where}: name is required");
        if (string.IsNullOrWhiteSpace(entry.Vendor)) throw new BulwarkInputException($"{where}: vendor is required");
        if (!GenAiCategories.TryParse(entry.Category, out var category))
            throw new BulwarkInputException($"{where}: category '{entry.Category}' is not one of {string.Join(", ", GenAiCategories.All)}");
        var domains = Names(entry.Domains, "domain", entry.Id!, where, claimed);
        var hosts = Names(entry.Hosts, "host", entry.Id!, where, claimed);
        if (domains.Length == 0 && hosts.Length == 0) throw new BulwarkInputException($"{where}: lists no domains or hosts");
        return new GenAiService(index, entry.Id!, entry.Name.Trim(), entry.Vendor.Trim(), category, domains, hosts, ToRisk(entry.Risk, where), entry.Origin);
    }

    // A name belongs to one service: two claims would make the match depend on file order.
    private static string[] Names(List<string>? raw, string what, string id, string where, Dictionary<string, string> claimed)
    {
        if (raw is null) return [];
        var names = new string[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            var name = HostNames.NormalizeRule(raw[i] ?? "", out var error)
                ?? throw new BulwarkInputException($"{where}: {what} '{raw[i]}' {error}");
            if (!claimed.TryAdd(name, id)) throw new BulwarkInputException($"{where}: {what} '{name}' is already claimed by service '{claimed[name]}'");
            names[i] = name;
        }
        return names;
    }

    private static GenAiRisk ToRisk(RiskEntry? risk, string where)
    {
        if (risk is null) return GenAiRisk.Unknown;
        var trains = risk.TrainsOnUserData?.Trim() switch
        {
            "yes" => TrainingUse.Yes,
            "no" => TrainingUse.No,
            "opt-out" => TrainingUse.OptOut,
            "unknown" or null => TrainingUse.Unknown,
            var other => throw new BulwarkInputException($"{where}: trains-on-user-data '{other}' must be yes, no, opt-out or unknown"),
        };
        return new GenAiRisk(
            trains,
            TriState(risk.EnterpriseTier, "enterprise-tier", where),
            Regions(risk.DataResidency, where),
            TriState(risk.Sso, "sso", where),
            string.IsNullOrWhiteSpace(risk.Source) ? "not stated" : risk.Source.Trim());
    }

    private static bool? TriState(string? value, string key, string where) => value?.Trim() switch
    {
        "true" => true,
        "false" => false,
        "unknown" or null => null,
        var other => throw new BulwarkInputException($"{where}: {key} '{other}' must be true, false or unknown"),
    };

    // `unknown` or a list of region codes.
    private static string[]? Regions(object? value, string where)
    {
        switch (value)
        {
            case null:
            case string s when s.Trim() == "unknown":
                return null;
            case List<object> list:
                var regions = list.Select(r => (r as string)?.Trim().ToLowerInvariant() ?? "").ToArray();
                var bad = regions.FirstOrDefault(r => !RegionPattern().IsMatch(r));
                if (bad is not null) throw new BulwarkInputException($"{where}: data-residency region '{bad}' is not a region code (us, eu, cn, …)");
                return regions.Length == 0 ? null : regions;
            default:
                throw new BulwarkInputException($"{where}: data-residency must be a list of regions ([us, eu]) or unknown");
        }
    }

    private static GenAiCatalog LoadEmbedded()
    {
        return Parse(EmbeddedText.Read(ResourceName), "embedded:genai-services.yaml");
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z0-9]+)*$")]
    private static partial Regex RegionPattern();
}

#pragma warning disable CA1002, CA2227, CA1812 // DTOs for the YAML deserializer
internal sealed class CatalogDocument
{
    public List<ServiceEntry?>? Services { get; set; }
}

internal sealed class ServiceEntry
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Vendor { get; set; }
    public string? Category { get; set; }
    public List<string>? Domains { get; set; }
    public List<string>? Hosts { get; set; }
    public string? Origin { get; set; }
    public RiskEntry? Risk { get; set; }
}

internal sealed class RiskEntry
{
    [YamlMember(Alias = "trains-on-user-data")] public string? TrainsOnUserData { get; set; }
    [YamlMember(Alias = "enterprise-tier")] public string? EnterpriseTier { get; set; }
    [YamlMember(Alias = "data-residency")] public object? DataResidency { get; set; }
    public string? Sso { get; set; }
    public string? Source { get; set; }
}
#pragma warning restore CA1002, CA2227, CA1812
