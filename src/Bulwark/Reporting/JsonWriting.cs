using System.Text.Json;

namespace Bulwark.Reporting;

/// <summary>Small pieces every JSON report writer needs.</summary>
public static class JsonWriting
{
    /// <summary>A property holding an array of strings.</summary>
    public static void WriteStringArray(this Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
