using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Cli;

/// <summary>
/// The JSON-lines protocol shared by <c>detect</c> and <c>classify</c>: one <c>{"id", "text"}</c> object per input
/// line, one result object per output line with the same id. A bad line gets <c>{"id", "error"}</c> and a message
/// on stderr, the rest still run, and the exit code is then 2.
/// </summary>
internal static class JsonLines
{
    /// <summary>Lines longer than this are refused (one error line), so one huge input cannot exhaust memory.</summary>
    public const int MaxLineChars = 16 * 1024 * 1024;

    // Lines are read by programs, not embedded in HTML: keep "<|im_start|>" and ">=" readable.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Process(TextReader input, TextWriter output, TextWriter errors, Func<string, JsonObject> handle, CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        var bad = 0;
        while (input.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? id = null;
            try
            {
                if (line.Length > MaxLineChars) throw new FormatException($"line is longer than {MaxLineChars} characters");
                var node = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("line is not a JSON object");
                id = node["id"]?.DeepClone();
                var text = node["text"] is JsonValue value && value.TryGetValue<string>(out var s) ? s : throw new FormatException("\"text\" is missing or not a string");
                var result = new JsonObject { ["id"] = id };
                foreach (var (key, item) in handle(text)) result[key] = item?.DeepClone();
                output.WriteLine(result.ToJsonString(Relaxed));
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                bad++;
                errors.WriteLine($"bulwark: line {lineNumber}: {e.Message}");
                output.WriteLine(new JsonObject { ["id"] = id, ["error"] = e.Message }.ToJsonString(Relaxed));
            }
        }
        output.Flush();
        return bad == 0 ? ExitCodes.Clean : ExitCodes.InputError;
    }
}
