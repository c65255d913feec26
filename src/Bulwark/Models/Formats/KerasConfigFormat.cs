using Bulwark.Models;
using System.Text.Json;

namespace Bulwark.Models.Formats;

/// <summary>
/// A Keras model config as JSON (<c>config.json</c> inside a <c>.keras</c> archive, which the zip format hands back
/// member by member): recognised by content — a JSON object whose top level has <c>class_name</c> and <c>config</c>.
/// </summary>
public sealed class KerasConfigFormat : IModelFormat
{
    /// <summary>Largest config read (real configs are kilobytes to a few megabytes).</summary>
    public const long MaxConfigBytes = 64L << 20;

    public string Name => "keras-config";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        var keys = JsonHead.TopLevelKeys(head);
        return keys is not null && keys.TryGetValue("class_name", out var c) && c == JsonTokenType.String && keys.ContainsKey("config");
    }

    public void Inspect(Stream content, string member, ModelScan scan)
    {
        JsonDocument document;
        try
        {
            document = JsonHead.Read(content, Math.Min(MaxConfigBytes, scan.Limits.MaxMemberBytes));
        }
        catch (Exception e) when (e is JsonException or MalformedModelException)
        {
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member, $"Keras config could not be read: {e.Message}"));
            return;
        }

        using (document)
        {
            KerasConfigCheck.Check(document.RootElement, member, scan);
        }
    }
}
