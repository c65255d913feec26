using System.Text.Json;
using Bulwark.Kernel;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Governance.Catalogs;

/// <summary>One entry of a user's full-text file: an id and whatever text it gives.</summary>
/// <param name="Line">1-based line in the file (0 where the format does not tell, as for JSON).</param>
internal sealed record ImportedText(string Id, string? Title, string? Description, string? Kind, string? Parent, int Line);

/// <summary>
/// Reads a framework's full texts from a user's file, by extension: YAML (ATLAS.yaml; NIST 600-1 and OWASP LinkML
/// files; any list of mappings with <c>id</c> and <c>description</c>), JSON (the NIST AI RMF core: objects with
/// <c>id</c> and <c>statement</c> or <c>description</c>) or CSV (a header naming an id column and a text column).
/// Sizes are bounded; every problem names the file and, where known, the line.
/// </summary>
internal static class FrameworkImport
{
    public const long MaxFileBytes = 16 * 1024 * 1024;
    public const int MaxEntries = 100_000;
    private const int MaxDepth = 16;

    // Column names seen in the shared catalogs and their derived CSVs, the most specific first.
    private static readonly string[] IdColumns = ["code", "action_id", "risk_id", "ref_id", "id"];
    private static readonly string[] TitleColumns = ["title", "name"];
    private static readonly string[] TextColumns = ["description", "statement", "text"];

    public static IReadOnlyList<ImportedText> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = YamlInput.ReadFile(path, MaxFileBytes, "framework file");
        var entries = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".yaml" or ".yml" => FromYaml(text, path),
            ".json" => FromJson(text, path),
            ".csv" => FromCsv(text, path),
            var other => throw new BulwarkInputException($"{path}: cannot import a '{other}' file; use .yaml, .json or .csv"),
        };
        if (entries.Count == 0) throw new BulwarkInputException($"{path}: no entries with an id and a description or title");
        return entries;
    }

    private static List<ImportedText> FromYaml(string text, string path)
    {
        // Bounded like every YAML input: depth, no aliases (a shared node would be walked once per reference), one document.
        var root = YamlInput.LoadTree(text, path, "framework file", MaxDepth);
        var entries = new List<ImportedText>();
        if (root is not null) Walk(root, inSequence: false, 0);
        return entries;

        // An entry is a mapping inside a sequence that has an id: ATLAS tactics/techniques/mitigations, LinkML risks/actions.
        void Walk(YamlNode node, bool inSequence, int depth)
        {
            if (depth > MaxDepth) throw new BulwarkInputException($"{path}:{node.Start.Line}: nested deeper than {MaxDepth} levels");
            switch (node)
            {
                case YamlSequenceNode sequence:
                    foreach (var child in sequence.Children) Walk(child, inSequence: true, depth + 1);
                    break;
                case YamlMappingNode mapping:
                    if (inSequence && Scalar(mapping, "id") is { } id) Add(entries, Entry(mapping, id, path), path);
                    foreach (var (_, child) in mapping.Children) Walk(child, inSequence: false, depth + 1);
                    break;
            }
        }
    }

    private static ImportedText Entry(YamlMappingNode mapping, string id, string path)
    {
        var line = (int)mapping.Start.Line;
        if (id.Length == 0) throw new BulwarkInputException($"{path}:{line}: an entry has an empty id");
        return new ImportedText(id, Scalar(mapping, "name") ?? Scalar(mapping, "title"), Scalar(mapping, "description") ?? Scalar(mapping, "statement"),
            Scalar(mapping, "object-type") ?? Scalar(mapping, "type"), Scalar(mapping, "subtechnique-of") ?? Scalar(mapping, "parent"), line);

        string? Scalar(YamlMappingNode node, string key) => FrameworkImport.Scalar(node, key, path);
    }

    private static string? Scalar(YamlMappingNode mapping, string key, string? path = null)
    {
        if (!mapping.Children.TryGetValue(new YamlScalarNode(key), out var value)) return null;
        if (value is YamlScalarNode scalar) return scalar.Value?.Trim();
        if (path is null) return null;
        throw new BulwarkInputException($"{path}:{value.Start.Line}:{value.Start.Column}: '{key}' must be a single value, not a list or mapping");
    }

    private static List<ImportedText> FromJson(string text, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxDepth * 2, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new BulwarkInputException($"{path}:{(e.LineNumber ?? 0) + 1}: invalid JSON: {e.Message}", e);
        }
        using (document)
        {
            var entries = new List<ImportedText>();
            Walk(document.RootElement);
            return entries;

            void Walk(JsonElement element)
            {
                if (element.ValueKind == JsonValueKind.Array)
                {
                    foreach (var child in element.EnumerateArray()) Walk(child);
                }
                else if (element.ValueKind == JsonValueKind.Object)
                {
                    var id = String(element, "id");
                    var description = String(element, "description") ?? String(element, "statement");
                    if (id is { Length: > 0 } && description is not null)
                        Add(entries, new ImportedText(id, String(element, "title") ?? String(element, "name"), description, String(element, "level"), null, 0), path);
                    foreach (var property in element.EnumerateObject()) Walk(property.Value);
                }
            }
        }

        static string? String(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()?.Trim() : null;
    }

    private static List<ImportedText> FromCsv(string text, string path)
    {
        var rows = CsvRows.Parse(text, path);
        if (rows.Count == 0) throw new BulwarkInputException($"{path}: empty CSV");
        var header = rows[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        int Column(string[] names) => names.Select(n => header.IndexOf(n)).FirstOrDefault(i => i >= 0, -1);
        var (idColumn, titleColumn, textColumn) = (Column(IdColumns), Column(TitleColumns), Column(TextColumns));
        if (idColumn < 0 || (titleColumn < 0 && textColumn < 0))
            throw new BulwarkInputException($"{path}:1: the CSV header needs an id column ({string.Join(", ", IdColumns)}) and a title or description column (e.g. id,title,description)");
        var entries = new List<ImportedText>();
        foreach (var row in rows.Skip(1))
        {
            if (row.Fields.Count == 1 && row.Fields[0].Length == 0) continue;
            if (row.Fields.Count != header.Count)
                throw new BulwarkInputException($"{path}:{row.Line}: {row.Fields.Count} fields, the header has {header.Count}");
            var id = row.Fields[idColumn].Trim();
            if (id.Length == 0) throw new BulwarkInputException($"{path}:{row.Line}: empty id");
            string? Field(int column) => column >= 0 && row.Fields[column].Trim() is { Length: > 0 } value ? value : null;
            Add(entries, new ImportedText(id, Field(titleColumn), Field(textColumn), null, null, row.Line), path);
        }
        return entries;
    }

    private static void Add(List<ImportedText> entries, ImportedText entry, string path)
    {
        if (entries.Count >= MaxEntries) throw new BulwarkInputException($"{path}: more than {MaxEntries:N0} entries");
        entries.Add(entry);
    }
}
