using System.Text.Json.Nodes;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// A body field that is a string or an array of strings: the legacy completions' <c>prompt</c>, the embeddings'
/// <c>input</c>. Token-id arrays are refused: the guards read text, and an input they cannot read must not pass
/// unjudged.
/// </summary>
internal static class TextInput
{
    /// <summary>Null when the field is a string or a non-empty array of strings; otherwise the 400 error.</summary>
    public static (string Code, string Message)? Invalid(JsonObject body, string field)
    {
        var node = body[field];
        if (node.AsString() is not null) return null;
        if (node is JsonArray { Count: > 0 } items)
        {
            if (items.All(i => i.AsString() is not null)) return null;
            if (items.All(i => i is JsonArray || i.AsLong() is not null))
                return ("token_input_unsupported", $"'{field}' as token ids cannot be read by the gateway's guards; send the text instead.");
        }
        return ("invalid_" + field, $"'{field}' must be a string or a non-empty array of strings.");
    }

    /// <summary>Runs each string through <paramref name="stage"/>'s pipeline, rewriting it in place; false when one was blocked.</summary>
    public static bool Guard(JsonObject body, string field, RequestTextGuard pass, GuardStage stage)
    {
        if (body[field].AsString() is { } single)
        {
            if (pass.Check(stage, single) is not { } text) return false;
            body[field] = text;
            return true;
        }
        if (body[field] is not JsonArray items) return true;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].AsString() is not { } item) continue;
            if (pass.Check(stage, item) is not { } text) return false;
            items[i] = text;
        }
        return true;
    }
}
