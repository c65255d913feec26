using System.Globalization;
using Bulwark.Kernel;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Governance.Inventory;

/// <summary>
/// Reads <c>ai-inventory.yaml</c> (docs/governance-inventory.md). Every problem found — unknown keys, missing
/// required fields, a bad tier, a high-risk system without its Annex III area, duplicate ids — is collected and
/// reported together in one <see cref="BulwarkInputException"/>, each naming file:line:col.
/// </summary>
public static class AiInventoryReader
{
    /// <summary>The usual file name at a project's root.</summary>
    public const string FileName = "ai-inventory.yaml";

    /// <summary>Bound on the file.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Bound on the number of systems.</summary>
    public const int MaxSystems = 10_000;

    /// <summary>Bound on nesting (the format needs four levels; deeper is hostile or a mistake).</summary>
    public const int MaxDepth = 16;

    /// <summary>At most this many problems are listed; the rest are counted.</summary>
    public const int MaxProblemsListed = 50;

    private const string What = "AI inventory";

    /// <summary>The eight high-risk areas of Annex III of the EU AI Act, as the file writes them.</summary>
    public static IReadOnlyList<string> AnnexIiiAreas { get; } =
    [
        "biometrics", "critical-infrastructure", "education", "employment", "essential-services", "law-enforcement",
        "migration-border", "justice-democracy",
    ];

    /// <summary>The tier names as the file writes them, in <see cref="EuAiActTier"/> order.</summary>
    public static IReadOnlyList<string> TierNames { get; } = ["prohibited", "high", "limited", "minimal", "gpai"];

    private static readonly HashSet<string> SystemKeys = new(StringComparer.Ordinal)
    {
        "id", "name", "owner", "purpose", "users", "risk-tier", "annex-iii-area", "models", "providers", "data-categories",
        "gateway-keys", "human-oversight", "code-paths", "domains",
    };

    private static readonly string[] RequiredKeys = ["id", "name", "owner", "purpose", "risk-tier"];

    public static string TierName(EuAiActTier tier) => TierNames[(int)tier];

    public static AiInventory ReadFile(string path) => Read(YamlInput.ReadFile(path, MaxFileBytes, What), path);

    public static AiInventory Read(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(source);
        if (yaml.Length > MaxFileBytes) throw new BulwarkInputException($"{source}: {What} is {yaml.Length:N0} characters, over the {MaxFileBytes:N0} limit");
        var root = Load(yaml, source, What);
        var problems = new Problems(source);
        var systems = new List<DeclaredSystem>();
        if (root is null)
        {
            throw new BulwarkInputException($"{source}: {What} is empty (it needs 'version: 1' and a 'systems' list)");
        }
        if (root is not YamlMappingNode document)
        {
            throw new BulwarkInputException($"{problems.At(root)}: {What} must be a mapping with 'version' and 'systems'");
        }

        YamlNode? version = null;
        YamlSequenceNode? list = null;
        foreach (var (keyNode, value) in document.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value;
            switch (key)
            {
                case "version":
                    version = value;
                    break;
                case "systems":
                    if (value is YamlSequenceNode sequence) list = sequence;
                    else if (!IsNull(value)) problems.Add(value, "'systems' must be a list of systems");
                    break;
                default:
                    problems.Add(keyNode, $"unknown key '{key}' (expected version, systems)");
                    break;
            }
        }
        if (version is null) problems.Add(document, "'version' is required (version: 1)");
        else if (version is not YamlScalarNode { Value: "1" }) problems.Add(version, "'version' must be 1");
        if (list is null && !document.Children.Any(c => (c.Key as YamlScalarNode)?.Value == "systems")) problems.Add(document, "'systems' is required");

        if (list is not null)
        {
            if (list.Children.Count > MaxSystems) throw new BulwarkInputException($"{problems.At(list)}: {list.Children.Count:N0} systems, over the limit of {MaxSystems:N0}");
            var ids = new Dictionary<string, YamlNode>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in list.Children)
            {
                if (item is not YamlMappingNode mapping)
                {
                    problems.Add(item, "a system must be a mapping (id, name, owner, purpose, risk-tier, …)");
                    continue;
                }
                var system = ReadSystem(mapping, problems);
                if (system is null) continue;
                if (ids.TryGetValue(system.Id, out var first)) problems.Add(mapping, $"duplicate id '{system.Id}' (first at line {first.Start.Line})");
                else
                {
                    ids[system.Id] = mapping;
                    systems.Add(system);
                }
            }
        }
        problems.ThrowIfAny();
        return new AiInventory(source, systems);
    }

    private static DeclaredSystem? ReadSystem(YamlMappingNode mapping, Problems problems)
    {
        var before = problems.Count;
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!SystemKeys.Contains(key)) problems.Add(keyNode, $"unknown key '{key}' in a system (known: {string.Join(", ", SystemKeys)})");
            else values[key] = value;
        }
        var label = values.TryGetValue("id", out var idNode) && idNode is YamlScalarNode { Value: { Length: > 0 } idValue } ? $"system '{idValue}'" : "a system";
        foreach (var required in RequiredKeys)
        {
            if (!values.TryGetValue(required, out var node) || IsNull(node)) problems.Add(mapping, $"{label}: '{required}' is required");
        }

        var id = Scalar(values, "id", label, problems);
        var name = Scalar(values, "name", label, problems);
        var owner = Scalar(values, "owner", label, problems);
        var purpose = Scalar(values, "purpose", label, problems);
        var tierText = Scalar(values, "risk-tier", label, problems);
        var area = Scalar(values, "annex-iii-area", label, problems);
        var oversight = Scalar(values, "human-oversight", label, problems);

        EuAiActTier? tier = null;
        if (tierText is not null)
        {
            var index = TierNames.ToList().IndexOf(tierText.ToLowerInvariant());
            if (index < 0) problems.Add(values["risk-tier"], $"{label}: risk-tier '{tierText}' is not one of {string.Join(", ", TierNames)}");
            else tier = (EuAiActTier)index;
        }
        if (area is not null && !AnnexIiiAreas.Contains(area.ToLowerInvariant()))
        {
            problems.Add(values["annex-iii-area"], $"{label}: annex-iii-area '{area}' is not one of {string.Join(", ", AnnexIiiAreas)}");
        }
        area = area?.ToLowerInvariant();
        if (tier == EuAiActTier.High && area is null)
        {
            problems.Add(values["risk-tier"], $"{label}: a high-risk system needs 'annex-iii-area' (one of {string.Join(", ", AnnexIiiAreas)})");
        }

        var users = List(values, "users", label, problems);
        var providers = List(values, "providers", label, problems);
        var data = List(values, "data-categories", label, problems);
        var keys = List(values, "gateway-keys", label, problems);
        var codePaths = List(values, "code-paths", label, problems).Select(NormalizePath).ToArray();
        var domains = List(values, "domains", label, problems).Select(d => d.Trim().TrimEnd('.').ToLowerInvariant()).ToArray();
        var models = Models(values, label, problems);

        if (problems.Count > before || id is null || name is null || owner is null || purpose is null || tier is null) return null;
        return new DeclaredSystem(id, name, owner, purpose, users, tier.Value, area, models, providers, data, keys, oversight, (int)mapping.Start.Line)
        {
            CodePaths = codePaths,
            Domains = domains,
        };
    }

    /// <summary>A code path as the reconciler compares it: <c>/</c>-separated, no leading <c>./</c> or trailing <c>/</c>.</summary>
    internal static string NormalizePath(string path)
    {
        var normalized = path.Trim().Replace('\\', '/');
        while (normalized.StartsWith("./", StringComparison.Ordinal)) normalized = normalized[2..];
        return normalized.Trim('/');
    }

    private static string? Scalar(Dictionary<string, YamlNode> values, string key, string label, Problems problems)
    {
        if (!values.TryGetValue(key, out var node) || IsNull(node)) return null;
        if (node is not YamlScalarNode scalar)
        {
            problems.Add(node, $"{label}: '{key}' must be a single value, not a list or mapping");
            return null;
        }
        var text = scalar.Value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            problems.Add(node, $"{label}: '{key}' is empty");
            return null;
        }
        return text;
    }

    private static string[] List(Dictionary<string, YamlNode> values, string key, string label, Problems problems)
    {
        if (!values.TryGetValue(key, out var node) || IsNull(node)) return [];
        if (node is not YamlSequenceNode sequence)
        {
            problems.Add(node, $"{label}: '{key}' must be a list ([a, b])");
            return [];
        }
        var items = new List<string>();
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { } text } && text.Trim().Length > 0) items.Add(text.Trim());
            else problems.Add(item, $"{label}: each item of '{key}' must be a non-empty value");
        }
        return [.. items];
    }

    private static DeclaredModel[] Models(Dictionary<string, YamlNode> values, string label, Problems problems)
    {
        if (!values.TryGetValue("models", out var node) || IsNull(node)) return [];
        if (node is not YamlSequenceNode sequence)
        {
            problems.Add(node, $"{label}: 'models' must be a list of {{name, provider}}");
            return [];
        }
        var models = new List<DeclaredModel>();
        foreach (var item in sequence.Children)
        {
            switch (item)
            {
                case YamlScalarNode { Value: { } text } when text.Trim().Length > 0:
                    models.Add(new DeclaredModel(text.Trim(), null));
                    break;
                case YamlMappingNode model:
                    string? name = null, provider = null;
                    foreach (var (keyNode, value) in model.Children)
                    {
                        var key = (keyNode as YamlScalarNode)?.Value;
                        var text = value is YamlScalarNode { Value: { } v } && v.Trim().Length > 0 ? v.Trim() : null;
                        if (key is not ("name" or "provider")) problems.Add(keyNode, $"{label}: unknown key '{key}' in a model (known: name, provider)");
                        else if (text is null && !IsNull(value)) problems.Add(value, $"{label}: model '{key}' must be a single value");
                        else if (key == "name") name = text;
                        else provider = text;
                    }
                    if (name is null) problems.Add(model, $"{label}: a model needs 'name'");
                    else models.Add(new DeclaredModel(name, provider));
                    break;
                default:
                    problems.Add(item, $"{label}: each model must be a name or {{name, provider}}");
                    break;
            }
        }
        return [.. models];
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    // A streaming pre-pass bounds nesting before the representation model (which recurses) is built, and refuses
    // aliases (nothing in the format needs them, and they are how YAML bombs grow).
    internal static YamlNode? Load(string yaml, string source, string what = What) => YamlInput.LoadTree(yaml, source, what, MaxDepth);

    private sealed class Problems(string source)
    {
        private readonly List<string> _items = [];

        public int Count => _items.Count;

        public string At(YamlNode node) => string.Create(CultureInfo.InvariantCulture, $"{source}:{node.Start.Line}:{node.Start.Column}");

        public void Add(YamlNode node, string message) => _items.Add($"{At(node)}: {message}");

        public void ThrowIfAny()
        {
            if (_items.Count == 0) return;
            if (_items.Count == 1) throw new BulwarkInputException(_items[0]);
            var listed = _items.Take(MaxProblemsListed).ToList();
            if (_items.Count > listed.Count) listed.Add($"… and {_items.Count - listed.Count} more");
            throw new BulwarkInputException($"{source}: {_items.Count} problems in the {What}:{Environment.NewLine}" + string.Join(Environment.NewLine, listed));
        }
    }
}
