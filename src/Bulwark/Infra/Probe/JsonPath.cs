using System.Globalization;
using System.Text.Json;

namespace Bulwark.Infra.Probe;

/// <summary>
/// The small path language of the fingerprint catalog: <c>version</c>, <c>system.comfyui_version</c>,
/// <c>data[0].id</c>, <c>data[*].owned_by</c> (any element), and <c>$</c> for the document itself.
/// Property names may hold spaces (Chroma's <c>nanosecond heartbeat</c>) but not dots or brackets.
/// </summary>
public sealed class JsonPath
{
    private const int MaxSegments = 16;
    private readonly Segment[] _segments;

    private JsonPath(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    public override string ToString() => Text;

    /// <exception cref="FormatException">The path is empty, too deep or malformed.</exception>
    public static JsonPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "$") return new JsonPath(text, []);
        if (text.Length == 0) throw new FormatException("empty JSON path");
        var segments = new List<Segment>();
        foreach (var part in text.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? part : part[..bracket];
            if (part.Length == 0) throw new FormatException($"JSON path '{text}' has an empty property name");
            if (name.Contains(']', StringComparison.Ordinal)) throw new FormatException($"JSON path '{text}' has a stray ']'");
            if (name.Length > 0) segments.Add(new Segment(name, -1));
            for (var rest = bracket < 0 ? "" : part[bracket..]; rest.Length > 0;)
            {
                var close = rest.IndexOf(']', StringComparison.Ordinal);
                if (rest[0] != '[' || close < 0) throw new FormatException($"JSON path '{text}' has an unclosed '['");
                var index = rest[1..close];
                if (index == "*") segments.Add(new Segment(null, Segment.AnyIndex));
                else if (int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) segments.Add(new Segment(null, n));
                else throw new FormatException($"JSON path '{text}' has an index that is neither a number nor *");
                rest = rest[(close + 1)..];
            }
        }
        if (segments.Count > MaxSegments) throw new FormatException($"JSON path '{text}' is deeper than {MaxSegments} steps");
        return new JsonPath(text, [.. segments]);
    }

    /// <summary>Every element the path reaches (several only through <c>[*]</c>).</summary>
    public List<JsonElement> Select(JsonElement root)
    {
        var current = new List<JsonElement> { root };
        foreach (var segment in _segments)
        {
            var next = new List<JsonElement>();
            foreach (var element in current) segment.Step(element, next);
            if (next.Count == 0) return next;
            current = next;
        }
        return current;
    }

    /// <summary>A scalar as text for comparisons: strings as they are, numbers and literals as written.</summary>
    public static string? ScalarText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => element.GetRawText(),
        _ => null,
    };

    private readonly record struct Segment(string? Property, int Index)
    {
        public const int AnyIndex = -2;

        public void Step(JsonElement element, List<JsonElement> into)
        {
            if (Property is not null)
            {
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(Property, out var value)) into.Add(value);
                return;
            }
            if (element.ValueKind != JsonValueKind.Array) return;
            if (Index == AnyIndex) into.AddRange(element.EnumerateArray());
            else if (Index < element.GetArrayLength()) into.Add(element[Index]);
        }
    }
}
