using System.Text;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Tests;

/// <summary>A streamed answer as a client sees it: the raw bytes, each data payload, and the text of the content deltas.</summary>
public sealed record Sse(string Raw, IReadOnlyList<string> Events)
{
    public static async Task<Sse> ReadAsync(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        var events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e[6..] : throw new InvalidOperationException("not an SSE data event: " + e))
            .ToList();
        return new Sse(raw, events);
    }

    public IEnumerable<JsonObject> Chunks => Events.Where(e => e != "[DONE]").Select(e => (JsonObject)JsonNode.Parse(e)!);

    public string Content
    {
        get
        {
            var text = new StringBuilder();
            foreach (var choice in Chunks.Select(c => c["choices"]).OfType<JsonArray>().SelectMany(c => c).OfType<JsonObject>())
                text.Append((string?)choice["delta"]?["content"]);
            return text.ToString();
        }
    }

    public string ToolArguments
    {
        get
        {
            var text = new StringBuilder();
            foreach (var call in Chunks.Select(c => c["choices"]).OfType<JsonArray>().SelectMany(c => c).OfType<JsonObject>()
                         .Select(c => c["delta"]?["tool_calls"]).OfType<JsonArray>().SelectMany(c => c).OfType<JsonObject>())
                text.Append((string?)call["function"]?["arguments"]);
            return text.ToString();
        }
    }

    public JsonObject? Error => Chunks.FirstOrDefault(c => c["error"] is JsonObject)?["error"] as JsonObject;

    public bool EndsWithDone => Events.Count > 0 && Events[^1] == "[DONE]";
}
