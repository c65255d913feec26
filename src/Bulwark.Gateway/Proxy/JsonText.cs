using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Proxy;

/// <summary>Tolerant reads of client- and upstream-supplied JSON: a wrong type is "absent", never an exception.</summary>
internal static class JsonText
{
    public static string? AsString(this JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static bool? AsBool(this JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    public static long? AsLong(this JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;
}
