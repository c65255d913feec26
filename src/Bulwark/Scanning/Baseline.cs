using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Kernel;

namespace Bulwark.Scanning;

/// <summary>
/// Known findings to suppress, by fingerprint. The file holds fingerprints, rule ids and paths — never the
/// matched values — so it can be committed next to the code it describes.
/// </summary>
public sealed class Baseline
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private Baseline(IReadOnlySet<string> fingerprints) => Fingerprints = fingerprints;

    public IReadOnlySet<string> Fingerprints { get; }

    public static Baseline Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonSerializer.Deserialize<BaselineDocument>(stream, Json)
                ?? throw new BulwarkInputException($"{path}: baseline is empty");
            if (document.Version != 1) throw new BulwarkInputException($"{path}: unsupported baseline version {document.Version} (expected 1)");
            return new Baseline((document.Findings ?? []).Select(f => f.Fingerprint).Where(f => !string.IsNullOrEmpty(f)).ToHashSet(StringComparer.Ordinal));
        }
        catch (JsonException e)
        {
            throw new BulwarkInputException($"{path}: baseline is not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"{path}: cannot read baseline: {e.Message}", e);
        }
    }

    public bool Suppresses(Finding finding) => Fingerprints.Contains(finding.Fingerprint);

    /// <summary>Writes the baseline through a temporary file, so an interrupted write never leaves half a file.</summary>
    public static void Write(string path, IEnumerable<Finding> findings)
    {
        var document = new BaselineDocument
        {
            Version = 1,
            Findings = findings
                .Select(f => new BaselineEntry { Fingerprint = f.Fingerprint, RuleId = f.RuleId, Path = f.Location.Path.Replace('\\', '/') })
                .DistinctBy(e => e.Fingerprint)
                .OrderBy(e => e.Path, StringComparer.Ordinal).ThenBy(e => e.RuleId, StringComparer.Ordinal)
                .ToList(),
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(document, Json) + "\n");
    }

    private sealed class BaselineDocument
    {
        public int Version { get; set; }

        [JsonPropertyName("findings")]
        public List<BaselineEntry>? Findings { get; set; }
    }

    private sealed class BaselineEntry
    {
        public string Fingerprint { get; set; } = "";
        public string RuleId { get; set; } = "";
        public string Path { get; set; } = "";
    }
}
