using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Proxy;

/// <summary>A string property of a JSON object that a guard reads and may rewrite (a message's content, a part's text).</summary>
internal readonly record struct JsonTextSlot(JsonObject Owner, string Property)
{
    public string Get() => Owner[Property]!.GetValue<string>();

    public void Set(string text) => Owner[Property] = text;

    /// <summary>The slot when the property holds a string; none otherwise.</summary>
    public static IEnumerable<JsonTextSlot> Of(JsonObject? owner, string property)
    {
        if (owner?[property].AsString() is not null) yield return new JsonTextSlot(owner, property);
    }

    /// <summary>
    /// A message's text, in the shape both chat and Responses messages use: its string <c>content</c>, or the
    /// <c>text</c> of each content part (<c>text</c>, <c>input_text</c>, <c>output_text</c>).
    /// </summary>
    public static IEnumerable<JsonTextSlot> ContentOf(JsonObject message) => message["content"] switch
    {
        JsonValue => Of(message, "content"),
        JsonArray parts => parts.OfType<JsonObject>().SelectMany(p => Of(p, "text")),
        _ => [],
    };
}
