using Bulwark.Infra.Parsing;

namespace Bulwark.Infra;

/// <summary>
/// Which infrastructure format a file is, by name and then by content, and its parse. YAML is Kubernetes when a
/// document has <c>apiVersion</c> and <c>kind</c>, compose when it has <c>services</c> of images or builds; other
/// YAML (CI configs, rule packs) is not infrastructure and yields null.
/// </summary>
public static class InfraFileReader
{
    /// <summary>Whether the name alone says the file may be infrastructure, so the scanner reads it a second time only then.</summary>
    public static bool MayRead(string relativePath)
    {
        var extension = Path.GetExtension(relativePath).ToLowerInvariant();
        return extension is ".yaml" or ".yml" or ".json" or ".tf" || DockerfileParser.Handles(relativePath) || DotEnvParser.Handles(relativePath);
    }

    /// <summary>
    /// Reads and parses a file on disk. JSON is mostly data (datasets, lock files), so only a JSON file whose start
    /// looks like a plan or a manifest is read whole a second time.
    /// </summary>
    public static InfraFile? ReadFile(string path, string relativePath, string fullPath, InfraParseLimits? limits = null)
    {
        if (Path.GetExtension(relativePath).Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(fullPath);
            var head = new char[JsonHeadChars];
            var length = reader.ReadBlock(head, 0, head.Length);
            if (!JsonMayBeInfrastructure(new string(head, 0, length))) return null;
        }
        return Read(path, relativePath, File.ReadAllText(fullPath), limits);
    }

    /// <param name="path">The path findings name.</param>
    /// <param name="relativePath">The path under the scanned root, whose file name decides the format.</param>
    public static InfraFile? Read(string path, string relativePath, string text, InfraParseLimits? limits = null)
    {
        limits ??= InfraParseLimits.Default;
        if (DockerfileParser.Handles(relativePath)) return DockerfileParser.Parse(path, text, limits);
        if (DotEnvParser.Handles(relativePath)) return DotEnvParser.Parse(path, text, limits);
        var extension = Path.GetExtension(relativePath).ToLowerInvariant();
        return extension switch
        {
            ".yaml" or ".yml" => ReadYaml(path, relativePath, text, limits),
            ".tf" => HclParser.Parse(path, text, limits),
            ".json" => ReadJson(path, text, limits),
            _ => null,
        };
    }

    private static InfraFile? ReadYaml(string path, string relativePath, string text, InfraParseLimits limits)
    {
        var errors = new List<InfraParseError>();
        var documents = YamlTree.Parse(text, limits, errors);
        if (documents.Count > 0 && ComposeFile.IsCompose(relativePath, documents[0]))
            return new InfraFile(path, InfraFormat.Compose, ComposeFile.Resources(path, (InfraMap)documents[0]).ToList(), errors);
        if (documents.Any(KubernetesManifest.IsObject) || (errors.Count > 0 && text.Contains("apiVersion:", StringComparison.Ordinal)))
            return new InfraFile(path, InfraFormat.Kubernetes, KubernetesManifest.Resources(path, documents).ToList(), errors);
        // A compose file that does not parse is still reported, as what it was meant to be.
        if (errors.Count > 0 && ComposeFile.IsComposeName(relativePath)) return new InfraFile(path, InfraFormat.Compose, [], errors);
        return null;
    }

    /// <summary>How much of a JSON file decides whether it is read whole: the plan's and the manifest's keys come first.</summary>
    private const int JsonHeadChars = 16 * 1024;

    private static bool JsonMayBeInfrastructure(string head) => TerraformPlanReader.LooksLikePlan(head) || OpensLikeManifest(head);

    /// <summary>Only JSON that opens like a manifest is parsed: data files can be large and are the data pillar's.</summary>
    private static bool OpensLikeManifest(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 4096));
        return head.Contains("\"apiVersion\"", StringComparison.Ordinal) && head.Contains("\"kind\"", StringComparison.Ordinal);
    }

    /// <summary>A Terraform plan, or a Kubernetes manifest written in JSON; other JSON (data, package.json) is not infrastructure.</summary>
    private static InfraFile? ReadJson(string path, string text, InfraParseLimits limits)
    {
        if (TerraformPlanReader.LooksLikePlan(text)) return TerraformPlanReader.Parse(path, text, limits);
        if (!OpensLikeManifest(text)) return null;
        var errors = new List<InfraParseError>();
        var root = JsonTree.Parse(text, limits, errors);
        return root is not null && KubernetesManifest.IsObject(root)
            ? new InfraFile(path, InfraFormat.Kubernetes, KubernetesManifest.Resources(path, [root]).ToList(), errors)
            : null;
    }
}
