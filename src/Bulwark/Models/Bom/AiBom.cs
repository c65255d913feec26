using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Kernel;
using Bulwark.Models.Signing;

namespace Bulwark.Models.Bom;

/// <summary>One weights file of a model: path relative to the BOM root, SHA-256, size, detected format and header facts.</summary>
public sealed record ModelWeightsFile(string Path, string Sha256, long Size, WeightFormat Format, WeightHeader? Header);

/// <summary>A model found under the BOM root: a folder with a model <c>config.json</c> or weights files.</summary>
public sealed record DiscoveredModel(string Name, string Path, IReadOnlyList<ModelWeightsFile> Files, ModelCardInfo Card)
{
    /// <summary>The parameter count: config.json's <c>num_parameters</c>, else the sum over readable weight headers.</summary>
    public long? ParameterCount => Card.ParameterCount ??
        (Files.Count > 0 && Files.All(f => f.Header?.ParameterCount is not null) ? Files.Sum(f => f.Header!.ParameterCount!.Value) : null);

    public string? Format => Files.Select(f => f.Format.Format).Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } formats ? string.Join(",", formats) : null;

    public string? Framework => Files.Select(f => f.Format.Framework).OfType<string>().Distinct(StringComparer.Ordinal).ToList() is { Count: > 0 } frameworks ? string.Join(",", frameworks) : null;
}

/// <summary>Options of <see cref="AiBom.Create"/>; the serial number and time are injectable for reproducible output.</summary>
public sealed record AiBomOptions
{
    public Guid? SerialNumber { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public int Parallelism { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);
}

/// <summary>
/// The AI bill of materials: CycloneDX 1.6 JSON with one <c>machine-learning-model</c> component per model found,
/// its weight files as nested <c>file</c> components with SHA-256 hashes, a model card (task, architecture family and
/// architecture, datasets, intended uses, limitations), licenses, and <c>bulwark:model:*</c> properties (format,
/// framework, parameter count).
/// </summary>
public static class AiBom
{
    public const string SpecVersion = "1.6";

    private static readonly JsonSerializerOptions Output = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Hugging Face license ids that are SPDX ids under another case; others go in as license names.</summary>
    private static readonly Dictionary<string, string> SpdxIds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["apache-2.0"] = "Apache-2.0", ["mit"] = "MIT", ["bsd-2-clause"] = "BSD-2-Clause", ["bsd-3-clause"] = "BSD-3-Clause",
        ["cc0-1.0"] = "CC0-1.0", ["cc-by-4.0"] = "CC-BY-4.0", ["cc-by-sa-4.0"] = "CC-BY-SA-4.0", ["cc-by-nc-4.0"] = "CC-BY-NC-4.0",
        ["cc-by-nc-sa-4.0"] = "CC-BY-NC-SA-4.0", ["cc-by-nc-nd-4.0"] = "CC-BY-NC-ND-4.0", ["mpl-2.0"] = "MPL-2.0",
        ["gpl-3.0"] = "GPL-3.0-only", ["lgpl-3.0"] = "LGPL-3.0-only", ["agpl-3.0"] = "AGPL-3.0-only", ["unlicense"] = "Unlicense",
        ["artistic-2.0"] = "Artistic-2.0",
        ["bsl-1.0"] = "BSL-1.0", ["wtfpl"] = "WTFPL", ["ecl-2.0"] = "ECL-2.0", ["epl-2.0"] = "EPL-2.0", ["afl-3.0"] = "AFL-3.0",
        ["odbl"] = "ODbL-1.0", ["pddl"] = "PDDL-1.0", ["cc-by-3.0"] = "CC-BY-3.0", ["cc-by-sa-3.0"] = "CC-BY-SA-3.0",
    };

    /// <summary>Finds the models under <paramref name="root"/> (a folder, or one weights file) and hashes their weights.</summary>
    public static IReadOnlyList<DiscoveredModel> Discover(string root, int parallelism = 4, CancellationToken cancellationToken = default)
    {
        if (File.Exists(root))
        {
            var file = Weights(Path.GetDirectoryName(Path.GetFullPath(root))!, Path.GetFullPath(root), cancellationToken);
            return [new DiscoveredModel(Path.GetFileNameWithoutExtension(root), Path.GetFileName(root), [file], new ModelCardInfo())];
        }
        if (!Directory.Exists(root)) throw new BulwarkInputException($"'{root}' does not exist");
        var fullRoot = Path.GetFullPath(root);
        var folders = new List<(string Folder, List<string> Files)>();
        Collect(new DirectoryInfo(fullRoot), folders, depth: 0);
        var rootCard = ModelCardInfo.Read(fullRoot);
        var models = new DiscoveredModel[folders.Count];
        Parallel.For(0, folders.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, i =>
        {
            var (folder, files) = folders[i];
            var relative = Path.GetRelativePath(fullRoot, folder).Replace('\\', '/');
            var card = File.Exists(Path.Combine(folder, "README.md")) || folder == fullRoot ? ModelCardInfo.Read(folder) : ModelCardInfo.Read(folder) with
            {
                Licenses = rootCard.Licenses, LicenseName = rootCard.LicenseName, Datasets = rootCard.Datasets,
                UseCases = rootCard.UseCases, Limitations = rootCard.Limitations,
            };
            var weights = files.Select(f => Weights(fullRoot, f, cancellationToken)).OrderBy(w => w.Path, StringComparer.Ordinal).ToList();
            var name = relative == "." ? Path.GetFileName(fullRoot) : relative;
            models[i] = new DiscoveredModel(name, relative, weights, card);
        });
        return [.. models.OrderBy(m => m.Path, StringComparer.Ordinal)];
    }

    /// <summary>The CycloneDX 1.6 document for the models under <paramref name="root"/>.</summary>
    public static JsonObject Create(string root, AiBomOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AiBomOptions();
        var models = Discover(root, options.Parallelism, cancellationToken);
        return Create(models, options);
    }

    public static JsonObject Create(IReadOnlyList<DiscoveredModel> models, AiBomOptions options)
    {
        var timestamp = (options.Timestamp ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var version = typeof(AiBom).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        return new JsonObject
        {
            ["bomFormat"] = "CycloneDX",
            ["specVersion"] = SpecVersion,
            ["serialNumber"] = "urn:uuid:" + (options.SerialNumber ?? Guid.NewGuid()).ToString("D"),
            ["version"] = 1,
            ["metadata"] = new JsonObject
            {
                ["timestamp"] = timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["tools"] = new JsonObject
                {
                    ["components"] = new JsonArray(new JsonObject { ["type"] = "application", ["name"] = "bulwark", ["version"] = version }),
                },
            },
            ["components"] = new JsonArray([.. models.Select(Component)]),
        };
    }

    public static string ToJson(JsonObject bom) => bom.ToJsonString(Output);

    private static JsonObject Component(DiscoveredModel model)
    {
        var reference = "model:" + model.Path;
        var component = new JsonObject
        {
            ["type"] = "machine-learning-model",
            ["bom-ref"] = reference,
            ["name"] = model.Name,
        };
        if (model.Files.Count == 1) component["hashes"] = Hashes(model.Files[0].Sha256);
        if (Licenses(model.Card) is { } licenses) component["licenses"] = licenses;
        component["modelCard"] = ModelCard(model);
        var properties = new JsonArray();
        AddProperty(properties, "bulwark:model:path", model.Path);
        AddProperty(properties, "bulwark:model:format", model.Format);
        AddProperty(properties, "bulwark:model:framework", model.Framework);
        AddProperty(properties, "bulwark:model:parameterCount", model.ParameterCount?.ToString(CultureInfo.InvariantCulture));
        AddProperty(properties, "bulwark:model:baseModel", model.Card.BaseModel);
        foreach (var language in model.Card.Languages) AddProperty(properties, "bulwark:model:language", language);
        var headerArchitecture = model.Files.Select(f => f.Header?.Architecture).OfType<string>().FirstOrDefault();
        AddProperty(properties, "bulwark:model:headerArchitecture", headerArchitecture);
        component["properties"] = properties;
        if (model.Files.Count > 0)
        {
            component["components"] = new JsonArray([.. model.Files.Select(file =>
            {
                var fileProperties = new JsonArray();
                AddProperty(fileProperties, "bulwark:file:size", file.Size.ToString(CultureInfo.InvariantCulture));
                AddProperty(fileProperties, "bulwark:model:format", file.Format.Format);
                AddProperty(fileProperties, "bulwark:model:parameterCount", file.Header?.ParameterCount?.ToString(CultureInfo.InvariantCulture));
                if (file.Header is { TensorTypes.Count: > 0 }) AddProperty(fileProperties, "bulwark:model:tensorTypes", string.Join(",", file.Header.TensorTypes));
                return (JsonNode)new JsonObject
                {
                    ["type"] = "file",
                    ["bom-ref"] = $"{reference}:file:{file.Path}",
                    ["name"] = file.Path,
                    ["hashes"] = Hashes(file.Sha256),
                    ["properties"] = fileProperties,
                };
            })]);
        }
        return component;
    }

    private static JsonObject ModelCard(DiscoveredModel model)
    {
        var parameters = new JsonObject();
        if (model.Card.Task is { } task) parameters["task"] = task;
        var family = model.Card.ModelType ?? model.Files.Select(f => f.Header?.Architecture).OfType<string>().FirstOrDefault();
        if (family is not null) parameters["architectureFamily"] = family;
        if (model.Card.Architecture is { } architecture) parameters["modelArchitecture"] = architecture;
        if (model.Card.Datasets.Count > 0)
        {
            parameters["datasets"] = new JsonArray([.. model.Card.Datasets.Select(d => (JsonNode)new JsonObject { ["type"] = "dataset", ["name"] = d })]);
        }
        var card = new JsonObject { ["modelParameters"] = parameters };
        var considerations = new JsonObject();
        if (model.Card.UseCases.Count > 0) considerations["useCases"] = new JsonArray([.. model.Card.UseCases.Select(u => JsonValue.Create(u))]);
        if (model.Card.Limitations.Count > 0) considerations["technicalLimitations"] = new JsonArray([.. model.Card.Limitations.Select(u => JsonValue.Create(u))]);
        if (considerations.Count > 0) card["considerations"] = considerations;
        return card;
    }

    private static JsonArray? Licenses(ModelCardInfo card)
    {
        if (card.Licenses.Count == 0) return null;
        return new JsonArray([.. card.Licenses.Select(l =>
        {
            JsonObject license = SpdxIds.TryGetValue(l, out var id)
                ? new JsonObject { ["id"] = id }
                : new JsonObject { ["name"] = l == "other" && card.LicenseName is { } name ? name : l };
            return (JsonNode)new JsonObject { ["license"] = license };
        })]);
    }

    private static JsonArray Hashes(string sha256) => [new JsonObject { ["alg"] = "SHA-256", ["content"] = sha256 }];

    private static void AddProperty(JsonArray properties, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) properties.Add(new JsonObject { ["name"] = name, ["value"] = value });
    }

    private static ModelWeightsFile Weights(string root, string path, CancellationToken cancellationToken)
    {
        var format = WeightFiles.Detect(path);
        string sha;
        long size;
        try
        {
            size = new FileInfo(path).Length;
            sha = ModelManifestBuilder.HashFile(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot read '{path}': {e.Message}", e);
        }
        return new ModelWeightsFile(Path.GetRelativePath(root, path).Replace('\\', '/'), sha, size, format, WeightFiles.ReadHeader(path, format.Format));
    }

    /// <summary>Folders that hold a model: a model config.json or weights files (SavedModel: saved_model.pb and variables/).</summary>
    private static void Collect(DirectoryInfo directory, List<(string, List<string>)> folders, int depth)
    {
        if (depth > 32) return;
        FileSystemInfo[] entries;
        try
        {
            entries = directory.GetFileSystemInfos();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var weights = entries.OfType<FileInfo>().Where(f => f.LinkTarget is null && WeightFiles.IsWeightsName(f.Name)).Select(f => f.FullName).ToList();
        var savedModel = weights.Any(w => Path.GetFileName(w) == "saved_model.pb");
        if (savedModel && Directory.Exists(Path.Combine(directory.FullName, "variables")))
        {
            weights.AddRange(Directory.EnumerateFiles(Path.Combine(directory.FullName, "variables")).Order(StringComparer.Ordinal));
        }
        var hasConfig = entries.OfType<FileInfo>().Any(f => f.Name == "config.json" && ModelCardInfo.IsModelConfig(f.FullName));
        if (weights.Count > 0 || hasConfig) folders.Add((directory.FullName, weights));
        foreach (var sub in entries.OfType<DirectoryInfo>())
        {
            if (sub.LinkTarget is not null || sub.Name is ".git" or "node_modules" || (savedModel && sub.Name == "variables")) continue;
            Collect(sub, folders, depth + 1);
        }
    }
}
