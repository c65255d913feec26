using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Models.Bom;

/// <summary>
/// What a Hugging Face style model folder says about itself: <c>config.json</c> (architectures, model_type,
/// num_parameters) and the model card's front matter (<c>README.md</c>: license, datasets, pipeline_tag, language,
/// base_model) plus its "intended uses" and "limitations" sections.
/// </summary>
public sealed record ModelCardInfo
{
    private const long MaxTextBytes = 4L << 20;

    public string? ModelType { get; init; }
    public string? Architecture { get; init; }
    public long? ParameterCount { get; init; }
    public string? Task { get; init; }
    public IReadOnlyList<string> Licenses { get; init; } = [];
    public string? LicenseName { get; init; }
    public IReadOnlyList<string> Datasets { get; init; } = [];
    public IReadOnlyList<string> Languages { get; init; } = [];
    public string? BaseModel { get; init; }
    public IReadOnlyList<string> UseCases { get; init; } = [];
    public IReadOnlyList<string> Limitations { get; init; } = [];

    /// <summary>Reads <c>config.json</c> and <c>README.md</c> in <paramref name="directory"/> (either may be absent or malformed).</summary>
    public static ModelCardInfo Read(string directory)
    {
        var info = new ModelCardInfo();
        if (ReadText(Path.Combine(directory, "config.json")) is { } config) info = WithConfig(info, config);
        if (ReadText(Path.Combine(directory, "README.md")) is { } readme) info = WithReadme(info, readme);
        return info;
    }

    /// <summary>Whether a config.json describes a model (not, say, a tokenizer's or an app's settings).</summary>
    public static bool IsModelConfig(string path)
    {
        if (ReadText(path) is not { } text) return false;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   (document.RootElement.TryGetProperty("model_type", out _) || document.RootElement.TryGetProperty("architectures", out _));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static ModelCardInfo WithConfig(ModelCardInfo info, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return info;
            var architecture = root.TryGetProperty("architectures", out var architectures) && architectures.ValueKind == JsonValueKind.Array &&
                               architectures.GetArrayLength() > 0 && architectures[0].ValueKind == JsonValueKind.String
                ? architectures[0].GetString() : null;
            var modelType = root.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
            long? parameters = root.TryGetProperty("num_parameters", out var count) && count.ValueKind == JsonValueKind.Number && count.TryGetInt64(out var n) ? n : null;
            return info with { Architecture = architecture ?? info.Architecture, ModelType = modelType ?? info.ModelType, ParameterCount = parameters ?? info.ParameterCount };
        }
        catch (JsonException)
        {
            return info;
        }
    }

    internal static ModelCardInfo WithReadme(ModelCardInfo info, string readme)
    {
        var lines = readme.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var body = 0;
        if (lines.Length > 0 && lines[0].TrimEnd() == "---")
        {
            var end = Array.FindIndex(lines, 1, l => l.TrimEnd() is "---" or "...");
            if (end > 0)
            {
                info = WithFrontMatter(info, string.Join('\n', lines[1..end]));
                body = end + 1;
            }
        }
        return info with
        {
            UseCases = Section(lines, body, ["intended use", "uses", "use case"]),
            Limitations = Section(lines, body, ["limitation", "bias", "risks"]),
        };
    }

    private static ModelCardInfo WithFrontMatter(ModelCardInfo info, string yaml)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping) return info;
            root = mapping;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return info;
        }
        return info with
        {
            Licenses = Strings(root, "license"),
            LicenseName = Strings(root, "license_name").FirstOrDefault(),
            Datasets = Strings(root, "datasets"),
            Languages = Strings(root, "language"),
            Task = Strings(root, "pipeline_tag").FirstOrDefault() ?? info.Task,
            BaseModel = Strings(root, "base_model").FirstOrDefault(),
        };
    }

    /// <summary>A scalar or a list of scalars under <paramref name="key"/>.</summary>
    private static List<string> Strings(YamlMappingNode root, string key)
    {
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node)) return [];
        return node switch
        {
            YamlScalarNode { Value: { Length: > 0 } value } => [value],
            YamlSequenceNode sequence => [.. sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value).OfType<string>().Where(v => v.Length > 0).Take(100)],
            _ => [],
        };
    }

    /// <summary>The first paragraph under the first heading that names one of <paramref name="keys"/>.</summary>
    private static List<string> Section(string[] lines, int start, string[] keys)
    {
        for (var i = start; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            if (!line.StartsWith('#')) continue;
            var heading = line.TrimStart('#').Trim().ToLowerInvariant();
            if (!keys.Any(k => heading.Contains(k, StringComparison.Ordinal))) continue;
            var paragraph = new List<string>();
            for (var j = i + 1; j < lines.Length && !lines[j].TrimStart().StartsWith('#'); j++)
            {
                var text = lines[j].Trim();
                if (text.Length == 0)
                {
                    if (paragraph.Count > 0) break;
                    continue;
                }
                paragraph.Add(text.TrimStart('-', '*', ' '));
            }
            if (paragraph.Count == 0) continue;
            var joined = string.Join(' ', paragraph);
            return [joined.Length > 1000 ? joined[..1000] + "…" : joined];
        }
        return [];
    }

    private static string? ReadText(string path)
    {
        try
        {
            var file = new FileInfo(path);
            return file.Exists && file.Length <= MaxTextBytes ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
