using System.Text.Json;
using Bulwark.Kernel;

namespace Bulwark.Infra.Probe;

/// <summary>
/// The AI-service fingerprints, in match order. The default catalog is the embedded
/// <c>ai-service-fingerprints.yaml</c>; <see cref="Load"/> reads a user's own file with the same checks.
/// Every problem is a <see cref="BulwarkInputException"/> naming the file and the service.
/// </summary>
public sealed class FingerprintCatalog
{
    private const string ResourceName = "Bulwark.Infra.ai-service-fingerprints.yaml";
    private const long MaxFileBytes = 1024 * 1024;
    private static readonly Lazy<FingerprintCatalog> Embedded = new(LoadEmbedded);

    private FingerprintCatalog(IReadOnlyList<ServiceFingerprint> services)
    {
        Services = services;
        DefaultPorts = [.. services.SelectMany(s => s.Ports).Distinct().Order()];
    }

    /// <summary>The catalog shipped in the library.</summary>
    public static FingerprintCatalog Default => Embedded.Value;

    /// <summary>In match order: the first service whose identification holds wins.</summary>
    public IReadOnlyList<ServiceFingerprint> Services { get; }

    /// <summary>Every default port of every service, ascending: what a bare host is probed on.</summary>
    public IReadOnlyList<int> DefaultPorts { get; }

    public ServiceFingerprint? Find(string id) => Services.FirstOrDefault(s => s.Id == id);

    public static FingerprintCatalog Load(string path) =>
        Parse(YamlInput.ReadFile(path, MaxFileBytes, "fingerprint catalog"), path);

    public static FingerprintCatalog Parse(string yaml, string source)
    {
        var document = YamlInput.Deserialize<CatalogDocument>(yaml, source, "fingerprint catalog")
            ?? throw new BulwarkInputException($"{source}: fingerprint catalog is empty");
        if (document.Version != 1) throw new BulwarkInputException($"{source}: fingerprint catalog version must be 1");
        if (document.Services is not { Count: > 0 } services) throw new BulwarkInputException($"{source}: fingerprint catalog has no services");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var compiled = new List<ServiceFingerprint>();
        foreach (var service in services)
        {
            var fingerprint = new FingerprintCompiler(source, service).Compile();
            if (!ids.Add(fingerprint.Id)) throw new BulwarkInputException($"{source}: service '{fingerprint.Id}' appears twice");
            compiled.Add(fingerprint);
        }
        return new FingerprintCatalog(compiled);
    }

    private static FingerprintCatalog LoadEmbedded()
    {
        return Parse(EmbeddedText.Read(ResourceName), "embedded:ai-service-fingerprints.yaml");
    }

    /// <summary>Turns one service's YAML into checked values; every message names the service.</summary>
    private sealed class FingerprintCompiler(string source, ServiceDocument document)
    {
        private static readonly int[] OpenStatuses = [200];
        private static readonly int[] RefusedStatuses = [401, 403];
        private readonly string _where = $"{source}: service '{document.Id ?? "?"}'";

        public ServiceFingerprint Compile()
        {
            if (string.IsNullOrWhiteSpace(document.Id) || !document.Id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                throw Error("needs an id of lower-case letters, digits and hyphens");
            if (string.IsNullOrWhiteSpace(document.Name)) throw Error("needs a name");
            if (document.Ports is not { Count: > 0 } ports || ports.Any(p => p is < 1 or > 65535)) throw Error("needs ports between 1 and 65535");
            if (document.Identify is not { Count: > 0 } identify) throw Error("needs at least one identify request");
            var severity = Severity.High;
            if (document.Severity is not null && !SeverityParsing.TryParse(document.Severity, out severity)) throw Error($"has an unknown severity '{document.Severity}'");
            return new ServiceFingerprint
            {
                Id = document.Id,
                Name = document.Name.Trim(),
                Ports = [.. ports.Distinct()],
                Severity = severity,
                Identify = [.. identify.Select(i => new IdentifyRule(Request(i), Condition(i, OpenStatuses)))],
                Version = [.. (document.Version ?? []).Select(Version)],
                Access = [.. (document.Access ?? []).Select(Access)],
            };
        }

        private VersionSource Version(VersionDocument version)
        {
            var sources = (version.Json is null ? 0 : 1) + (version.Header is null ? 0 : 1) + (version.Text ? 1 : 0);
            if (sources != 1) throw Error("has a version entry that needs exactly one of json, header or text");
            return new VersionSource(Request(version), version.Json is null ? null : Path(version.Json), version.Header?.ToLowerInvariant());
        }

        private AccessCheck Access(AccessDocument access) => new(
            Request(access),
            Condition(access.Open ?? new ConditionDocument(), OpenStatuses),
            access.Required is null ? null : Condition(access.Required, RefusedStatuses));

        private ProbeRequest Request(IRequestDocument request)
        {
            if ((request.Get is null) == (request.Post is null)) throw Error("has a request that needs exactly one of get or post");
            var path = request.Get ?? request.Post!;
            if (!path.StartsWith('/') || path.Length > 512 || path.Any(char.IsWhiteSpace)) throw Error($"has a bad request path '{path}'");
            if (request.Body is not null)
            {
                if (request.Get is not null) throw Error($"sends a body with GET {path}");
                try
                {
                    using var _ = JsonDocument.Parse(request.Body);
                }
                catch (JsonException e)
                {
                    throw Error($"has a body for POST {path} that is not JSON: {e.Message}");
                }
            }
            return new ProbeRequest(request.Get is null ? "POST" : "GET", path, request.Body);
        }

        private ResponseCondition Condition(ConditionDocument condition, int[] defaultStatuses)
        {
            var statuses = condition.Status is { Count: > 0 } given ? given : [.. defaultStatuses];
            if (statuses.Any(s => s is < 100 or > 599)) throw Error("has a status outside 100-599");
            return new ResponseCondition
            {
                Statuses = statuses,
                JsonPresent = [.. (condition.Json ?? []).Select(Path)],
                JsonEquals = [.. (condition.JsonEquals ?? []).Select(p => KeyValuePair.Create(Path(p.Key), p.Value ?? ""))],
                BodyContains = [.. (condition.BodyContains ?? []).Where(b => b.Length > 0)],
                BodyEquals = condition.BodyEquals,
                Headers = [.. (condition.Header ?? []).Select(h => KeyValuePair.Create(h.Key.ToLowerInvariant(), h.Value ?? ""))],
            };
        }

        private JsonPath Path(string text)
        {
            try
            {
                return JsonPath.Parse(text);
            }
            catch (FormatException e)
            {
                throw Error(e.Message);
            }
        }

        private BulwarkInputException Error(string message) => new($"{_where} {message}");
    }
}

#pragma warning disable CA1002, CA2227, CA1812 // DTOs for the YAML deserializer
internal sealed class CatalogDocument
{
    public int Version { get; set; }
    public List<ServiceDocument>? Services { get; set; }
}

internal sealed class ServiceDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public List<int>? Ports { get; set; }
    public string? Severity { get; set; }
    public List<IdentifyDocument>? Identify { get; set; }
    public List<VersionDocument>? Version { get; set; }
    public List<AccessDocument>? Access { get; set; }
}

internal class ConditionDocument
{
    public List<int>? Status { get; set; }
    public List<string>? Json { get; set; }
    public Dictionary<string, string?>? JsonEquals { get; set; }
    public List<string>? BodyContains { get; set; }
    public string? BodyEquals { get; set; }
    public Dictionary<string, string?>? Header { get; set; }
}

internal interface IRequestDocument
{
    string? Get { get; }
    string? Post { get; }
    string? Body { get; }
}

internal sealed class IdentifyDocument : ConditionDocument, IRequestDocument
{
    public string? Get { get; set; }
    public string? Post { get; set; }
    public string? Body { get; set; }
}

internal sealed class VersionDocument : IRequestDocument
{
    public string? Get { get; set; }
    public string? Post { get; set; }
    public string? Body { get; set; }
    public string? Json { get; set; }
    public string? Header { get; set; }
    public bool Text { get; set; }
}

internal sealed class AccessDocument : IRequestDocument
{
    public string? Get { get; set; }
    public string? Post { get; set; }
    public string? Body { get; set; }
    public ConditionDocument? Open { get; set; }
    public ConditionDocument? Required { get; set; }
}
#pragma warning restore CA1002, CA2227, CA1812
