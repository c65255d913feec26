using Bulwark.Kernel;

namespace Bulwark.Governance.ShadowAi;

/// <summary>What an organisation says about the use of a generative-AI service.</summary>
public enum AiUseVerdict
{
    /// <summary>Approved (a contract, SSO, data terms): usage is reported, not flagged.</summary>
    Sanctioned,

    /// <summary>Neither approved nor banned: usage is reported for review.</summary>
    Tolerated,

    /// <summary>Banned: usage is a finding.</summary>
    Forbidden,
}

/// <summary>
/// The AI-use policy (YAML, docs/shadow-ai-catalog.md): a default verdict, verdicts per service id and per category,
/// and per-department overrides of both. Precedence, first that applies: department-service, department-category,
/// service, category, default. Verdicts are resolved per service when the policy loads, so a lookup is an array read.
/// </summary>
public sealed class AiUsePolicy
{
    /// <summary>Bound on a policy file.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    private readonly AiUseVerdict[] _verdicts;
    private readonly Dictionary<string, AiUseVerdict[]> _departments;

    private AiUsePolicy(GenAiCatalog catalog, AiUseVerdict defaultVerdict, AiUseVerdict[] verdicts, Dictionary<string, AiUseVerdict[]> departments)
    {
        Catalog = catalog;
        DefaultVerdict = defaultVerdict;
        _verdicts = verdicts;
        _departments = departments;
    }

    public GenAiCatalog Catalog { get; }

    public AiUseVerdict DefaultVerdict { get; }

    /// <summary>Departments the policy names (compared without regard to case).</summary>
    public IReadOnlyCollection<string> Departments => _departments.Keys;

    /// <summary>The policy when none is given: everything tolerated.</summary>
    public static AiUsePolicy TolerateAll(GenAiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new AiUsePolicy(catalog, AiUseVerdict.Tolerated, Enumerable.Repeat(AiUseVerdict.Tolerated, catalog.Services.Count).ToArray(), new(StringComparer.OrdinalIgnoreCase));
    }

    public static AiUsePolicy Load(string path, GenAiCatalog catalog) => Parse(YamlInput.ReadFile(path, MaxFileBytes, "AI-use policy"), path, catalog);

    public static AiUsePolicy Parse(string yaml, string source, GenAiCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(catalog);
        var document = YamlInput.Deserialize<PolicyFile>(yaml, source, "AI-use policy") ?? new PolicyFile();
        var defaultVerdict = document.Default is null ? AiUseVerdict.Tolerated : ParseVerdict(document.Default, $"{source}: default");
        var byCategory = Categories(document.Categories, source, "categories");
        var byService = Services(document.Services, catalog, source, "services");
        var verdicts = new AiUseVerdict[catalog.Services.Count];
        foreach (var service in catalog.Services)
        {
            verdicts[service.Index] = byService.TryGetValue(service.Index, out var s) ? s
                : byCategory.TryGetValue(service.Category, out var c) ? c
                : defaultVerdict;
        }
        var departments = new Dictionary<string, AiUseVerdict[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, department) in document.Departments ?? [])
        {
            if (string.IsNullOrWhiteSpace(name)) throw new BulwarkInputException($"{source}: a department has an empty name");
            var where = $"departments.{name}";
            var departmentCategories = Categories(department?.Categories, source, where + ".categories");
            var departmentServices = Services(department?.Services, catalog, source, where + ".services");
            var resolved = new AiUseVerdict[verdicts.Length];
            foreach (var service in catalog.Services)
            {
                resolved[service.Index] = departmentServices.TryGetValue(service.Index, out var s) ? s
                    : departmentCategories.TryGetValue(service.Category, out var c) ? c
                    : verdicts[service.Index];
            }
            if (!departments.TryAdd(name.Trim(), resolved)) throw new BulwarkInputException($"{source}: department '{name}' appears twice (names ignore case)");
        }
        return new AiUsePolicy(catalog, defaultVerdict, verdicts, departments);
    }

    /// <summary>The verdict for the service at <paramref name="serviceIndex"/> (what <see cref="ServiceMatcher.Match(ReadOnlySpan{byte})"/> returned).</summary>
    /// <param name="department">The user's department, or null; a department the policy does not name gets the organisation-wide verdict.</param>
    public AiUseVerdict Verdict(int serviceIndex, string? department = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serviceIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(serviceIndex, _verdicts.Length);
        if (department is not null && _departments.TryGetValue(department, out var overrides)) return overrides[serviceIndex];
        return _verdicts[serviceIndex];
    }

    public AiUseVerdict Verdict(GenAiService service, string? department = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        var own = Catalog.Find(service.Id);
        if (own is null) throw new ArgumentException($"service '{service.Id}' is not in this policy's catalog", nameof(service));
        return Verdict(own.Index, department);
    }

    private static AiUseVerdict ParseVerdict(string value, string where) => value.Trim() switch
    {
        "sanctioned" => AiUseVerdict.Sanctioned,
        "tolerated" => AiUseVerdict.Tolerated,
        "forbidden" => AiUseVerdict.Forbidden,
        _ => throw new BulwarkInputException($"{where}: verdict '{value}' must be sanctioned, tolerated or forbidden"),
    };

    private static Dictionary<GenAiCategory, AiUseVerdict> Categories(Dictionary<string, string>? entries, string source, string where)
    {
        var result = new Dictionary<GenAiCategory, AiUseVerdict>();
        foreach (var (name, verdict) in entries ?? [])
        {
            if (!GenAiCategories.TryParse(name, out var category))
                throw new BulwarkInputException($"{source}: {where}: unknown category '{name}' (one of {string.Join(", ", GenAiCategories.All)})");
            result[category] = ParseVerdict(verdict ?? "", $"{source}: {where}.{name}");
        }
        return result;
    }

    private static Dictionary<int, AiUseVerdict> Services(Dictionary<string, string>? entries, GenAiCatalog catalog, string source, string where)
    {
        var result = new Dictionary<int, AiUseVerdict>();
        foreach (var (id, verdict) in entries ?? [])
        {
            var service = catalog.Find(id.Trim())
                ?? throw new BulwarkInputException($"{source}: {where}: unknown service id '{id}' (not in the AI service catalog)");
            result[service.Index] = ParseVerdict(verdict ?? "", $"{source}: {where}.{id}");
        }
        return result;
    }
}

#pragma warning disable CA2227, CA1812 // DTOs for the YAML deserializer
internal sealed class PolicyFile
{
    public string? Default { get; set; }
    public Dictionary<string, string>? Categories { get; set; }
    public Dictionary<string, string>? Services { get; set; }
    public Dictionary<string, DepartmentRules?>? Departments { get; set; }
}

internal sealed class DepartmentRules
{
    public Dictionary<string, string>? Categories { get; set; }
    public Dictionary<string, string>? Services { get; set; }
}
#pragma warning restore CA2227, CA1812
