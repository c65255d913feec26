using System.Text;
using System.Text.Json;

namespace Bulwark.Models.Formats;

/// <summary>Cheap recognition of JSON configs: the top-level property names found in the first bytes of a file.</summary>
internal static class JsonHead
{
    /// <summary>
    /// The top-level property names (and whether their values are strings or booleans true) in <paramref name="head"/>,
    /// or null when the head is not the start of a JSON object. A head cut short is fine: what it holds is returned.
    /// </summary>
    public static Dictionary<string, JsonTokenType>? TopLevelKeys(ReadOnlySpan<byte> head, int maxKeys = 256)
    {
        if (head.StartsWith(Encoding.UTF8.Preamble))
        {
            head = head[3..];
        }

        var start = 0;
        while (start < head.Length && head[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        if (start >= head.Length || head[start] != (byte)'{')
        {
            return null;
        }

        var keys = new Dictionary<string, JsonTokenType>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(head[start..], isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = 512 }));
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    pending = reader.GetString();
                    continue;
                }

                if (pending is not null)
                {
                    keys[pending] = reader.TokenType;
                    pending = null;
                    if (keys.Count >= maxKeys)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Invalid JSON in the head: not a config.
            return null;
        }

        return keys;
    }

    /// <summary>Reads a whole JSON document of at most <paramref name="max"/> bytes from the start of <paramref name="content"/>.</summary>
    public static JsonDocument Read(Stream content, long max)
    {
        var reader = new BoundedReader(content);
        var bytes = reader.ReadBytes(reader.Length, max);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            // Strings are read with GetString, which throws on invalid UTF-8: refuse the document up front.
            throw new MalformedModelException("the JSON is not valid UTF-8");
        }

        return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
    }
}
