using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Governance.ShadowAi;
using Bulwark.Kernel;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Governance.Inventory;

/// <summary>Gathers <see cref="DiscoveredAiUse"/> from a project tree, a shadow-AI report and a gateway configuration.</summary>
public static class InventoryDiscovery
{
    /// <summary>Bound on a <c>bulwark discover</c> JSON report.</summary>
    public const long MaxReportBytes = 256L * 1024 * 1024;

    /// <summary>Bound on a gateway configuration file.</summary>
    public const long MaxGatewayConfigBytes = 4 * 1024 * 1024;

    /// <summary>Model files, and AI SDKs and endpoints in code and dependency manifests (see <c>ai-sdks.yaml</c>).</summary>
    public static IReadOnlyList<DiscoveredAiUse> FromProject(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return ProjectDiscovery.Scan(root);
    }

    /// <summary>The services of a <c>bulwark discover --format json</c> report's <c>inventory</c> section.</summary>
    public static IReadOnlyList<DiscoveredAiUse> FromDiscoverReport(string jsonPath)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        const string what = "shadow-AI discovery report";
        JsonDocument document;
        try
        {
            var info = new FileInfo(jsonPath);
            if (!info.Exists) throw new BulwarkInputException($"{what} '{jsonPath}' does not exist");
            if (info.Length > MaxReportBytes) throw new BulwarkInputException($"{jsonPath}: {what} is {info.Length:N0} bytes, over the {MaxReportBytes:N0}-byte limit");
            using var stream = File.OpenRead(jsonPath);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new BulwarkInputException($"{jsonPath}:{e.LineNumber + 1}: not valid JSON ({what}): {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"{jsonPath}: cannot read {what}: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("inventory", out var inventory) || inventory.ValueKind != JsonValueKind.Array)
                throw new BulwarkInputException($"{jsonPath}: not a 'bulwark discover --format json' report (no 'inventory' list)");
            var uses = new List<DiscoveredAiUse>();
            var index = 0;
            foreach (var item in inventory.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object) throw new BulwarkInputException($"{jsonPath}: inventory item {index} is not an object");
                var name = Text(item, "name") ?? Text(item, "service") ?? throw new BulwarkInputException($"{jsonPath}: inventory item {index} has no name");
                var serviceId = Text(item, "service");
                var service = serviceId is null ? null : GenAiCatalog.Default.Find(serviceId);
                var provider = service is not null ? ProviderOf(service) : (serviceId is not null ? AiSdkCatalog.Default.ForService(serviceId)?.Name : null) ?? Text(item, "provider");
                var evidence = new StringBuilder("network logs");
                if (serviceId is not null) evidence.Append(CultureInfo.InvariantCulture, $": service {serviceId}");
                if (item.TryGetProperty("users", out var users) && users.TryGetInt64(out var count)) evidence.Append(CultureInfo.InvariantCulture, $", {count} user(s) or host(s)");
                if (item.TryGetProperty("sanctioned", out var sanctioned) && sanctioned.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    evidence.Append(sanctioned.GetBoolean() ? ", sanctioned" : ", not sanctioned");
                if (Text(item, "firstSeen") is { } first) evidence.Append(CultureInfo.InvariantCulture, $", first seen {first}");
                if (Text(item, "lastSeen") is { } last) evidence.Append(CultureInfo.InvariantCulture, $", last seen {last}");
                uses.Add(new DiscoveredAiUse(DiscoverySource.ShadowAi, name, provider, evidence.ToString(), jsonPath, null));
            }
            return uses;
        }
    }

    /// <summary>The model routes of a gateway configuration (<c>samples/gateway/gateway.yaml</c>), each with its upstream's provider.</summary>
    public static IReadOnlyList<DiscoveredAiUse> FromGatewayConfig(string yamlPath)
    {
        ArgumentNullException.ThrowIfNull(yamlPath);
        const string what = "gateway configuration";
        var root = AiInventoryReader.Load(YamlInput.ReadFile(yamlPath, MaxGatewayConfigBytes, what), yamlPath, what);
        if (root is null) return [];
        if (root is not YamlMappingNode config) throw new BulwarkInputException($"{yamlPath}:{root.Start.Line}:{root.Start.Column}: {what} must be a mapping");

        var upstreams = new Dictionary<string, (string Kind, string? BaseUrl)>(StringComparer.Ordinal);
        foreach (var upstream in Items(config, "upstreams"))
        {
            if (Scalar(upstream, "name") is { } name) upstreams[name] = (Scalar(upstream, "kind") ?? "openai-compatible", Scalar(upstream, "base-url"));
        }
        var uses = new List<DiscoveredAiUse>();
        foreach (var model in Items(config, "models"))
        {
            var name = Scalar(model, "name");
            if (name is null) continue;
            var upstreamName = Scalar(model, "upstream");
            var upstreamModel = Scalar(model, "upstream-model") ?? name;
            var (kind, baseUrl) = upstreamName is not null && upstreams.TryGetValue(upstreamName, out var u) ? u : ("unknown", null);
            var origin = baseUrl is null ? null : Origin(baseUrl);
            var provider = kind switch
            {
                "openai" => AiSdkCatalog.Default.FindProvider("openai")?.Name,
                "azure-openai" => AiSdkCatalog.Default.FindProvider("azure-openai")?.Name,
                "anthropic" => AiSdkCatalog.Default.FindProvider("anthropic")?.Name,
                _ => origin is null ? null : ProviderOfUrl(origin),
            };
            var evidence = $"route '{name}' → upstream '{upstreamName ?? "?"}' ({kind}{(origin is null ? "" : ", " + origin)}) as '{upstreamModel}'";
            uses.Add(new DiscoveredAiUse(DiscoverySource.GatewayModel, name, provider, evidence, yamlPath, (int)model.Start.Line));
        }
        return uses;
    }

    /// <summary>
    /// The models actually called through the gateway (its audit trail): one use per model, key and team, with the
    /// number of calls and the last one. The provider is the one of the configuration's route of that name when
    /// <paramref name="routes"/> holds it (<see cref="FromGatewayConfig"/>), else the upstream's name if it names one.
    /// </summary>
    public static IReadOnlyList<DiscoveredAiUse> FromGatewayTraffic(IEnumerable<GatewayCall> calls, string source, IReadOnlyList<DiscoveredAiUse>? routes = null)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var providers = (routes ?? []).Where(r => r.Source == DiscoverySource.GatewayModel && r.Provider is not null)
            .GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Provider, StringComparer.Ordinal);
        return [.. calls.Where(c => !string.IsNullOrEmpty(c.Model))
            .GroupBy(c => (Model: c.Model!, c.Upstream, c.KeyId, c.Team))
            .OrderBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Team, StringComparer.Ordinal).ThenBy(g => g.Key.KeyId, StringComparer.Ordinal)
            .Select(g =>
            {
                var provider = providers.GetValueOrDefault(g.Key.Model) ?? (g.Key.Upstream is { } upstream ? AiSdkCatalog.Default.FindProvider(upstream)?.Name : null);
                var who = $"{(g.Key.Team is null ? "no team" : $"team {g.Key.Team}")}, key {g.Key.KeyId ?? "none"}";
                var evidence = string.Create(CultureInfo.InvariantCulture, $"{g.Count():N0} calls to '{g.Key.Model}' via upstream '{g.Key.Upstream ?? "?"}' ({who}), last {g.Max(c => c.Time):yyyy-MM-dd}");
                return new DiscoveredAiUse(DiscoverySource.GatewayModel, g.Key.Model, provider, evidence, source, null) { GatewayKey = g.Key.KeyId, Team = g.Key.Team };
            })];
    }

    /// <summary>The provider name of a shadow-AI catalog service: the SDK table's provider when it lists the service, else the vendor.</summary>
    internal static string ProviderOf(GenAiService service) => AiSdkCatalog.Default.ForService(service.Id)?.Name ?? service.Vendor;

    // scheme://host[:port] of a URL, without user information or path; null when it is not an absolute URL.
    private static string? Origin(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? $"{uri.Scheme}://{uri.Authority}" : null;

    private static string? ProviderOfUrl(string origin)
    {
        var uri = new Uri(origin);
        if (!uri.IsDefaultPort && (uri.IsLoopback || uri.Host is "0.0.0.0" or "host.docker.internal") && AiSdkCatalog.Default.ForPort(uri.Port) is { } local) return local.Name;
        return ServiceMatcher.Default.Find(Encoding.ASCII.GetBytes(uri.IdnHost)) is { } service ? ProviderOf(service) : null;
    }

    private static IEnumerable<YamlMappingNode> Items(YamlMappingNode config, string key) =>
        config.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlSequenceNode list ? list.Children.OfType<YamlMappingNode>() : [];

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } text } ? text.Trim() : null;

    private static string? Text(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
