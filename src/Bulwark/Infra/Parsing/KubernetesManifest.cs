namespace Bulwark.Infra.Parsing;

/// <summary>
/// Kubernetes objects of a manifest (YAML documents, Helm-rendered output, or JSON): every document with an
/// <c>apiVersion</c> and a <c>kind</c> becomes a <c>k8s:KIND</c> resource; <c>kind: List</c> is unwrapped.
/// </summary>
public static class KubernetesManifest
{
    public const string TypePrefix = "k8s:";

    public static bool IsObject(InfraValue document) =>
        document is InfraMap map && map.Get("apiVersion") is InfraScalar && map.Get("kind") is InfraScalar;

    public static IEnumerable<InfraResource> Resources(string path, IEnumerable<InfraValue> documents)
    {
        foreach (var document in documents)
        {
            if (!IsObject(document)) continue;
            var map = (InfraMap)document;
            var kind = map.Text("kind")!;
            if (kind.EndsWith("List", StringComparison.Ordinal) && map.Get("items") is InfraList items)
            {
                foreach (var item in Resources(path, items.Items)) yield return item;
                continue;
            }
            var metadata = map.Get("metadata") as InfraMap;
            var name = metadata?.Text("name") ?? metadata?.Text("generateName") ?? "(unnamed)";
            var ns = metadata?.Text("namespace");
            yield return new InfraResource(TypePrefix + kind, name, ns is null ? $"{kind}/{name}" : $"{kind}/{ns}/{name}", path, map);
        }
    }

    /// <summary>The namespace an object lives in; manifests without one deploy to the current context's, read as "default".</summary>
    public static string Namespace(InfraResource resource) => (resource.Body.Get("metadata") as InfraMap)?.Text("namespace") ?? "default";
}

/// <summary>Services of a docker-compose file (the Compose Specification's top-level <c>services</c>), as <c>compose:service</c> resources.</summary>
public static class ComposeFile
{
    public const string ServiceType = "compose:service";

    /// <summary>By name (<c>compose.yaml</c>, <c>docker-compose.override.yml</c>), or by shape: <c>services</c> whose entries have an image or a build.</summary>
    public static bool IsCompose(string relativePath, InfraValue document)
    {
        if (document is not InfraMap map || map.Get("services") is not InfraMap services) return false;
        if (IsComposeName(relativePath)) return true;
        return services.Entries.Count > 0 && services.Entries.All(e => e.Value is InfraMap s && (s.Get("image") is not null || s.Get("build") is not null));
    }

    /// <summary><c>compose.yaml</c>, <c>compose.override.yml</c>, <c>docker-compose*.yml</c> (not <c>composer.yml</c>).</summary>
    public static bool IsComposeName(string relativePath)
    {
        var name = Path.GetFileName(relativePath).ToLowerInvariant();
        return name.StartsWith("docker-compose", StringComparison.Ordinal) || name.StartsWith("compose.", StringComparison.Ordinal);
    }

    public static IEnumerable<InfraResource> Resources(string path, InfraMap document)
    {
        if (document.Get("services") is not InfraMap services) yield break;
        foreach (var entry in services.Entries)
        {
            if (entry.Value is not InfraMap service) continue;
            // The service's line is its key's: "ollama:" is where a reader looks.
            yield return new InfraResource(ServiceType, entry.Key, $"services.{entry.Key}", path, service with { Line = entry.Line, Column = entry.Column });
        }
    }
}
