using System.Text.Json;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>Reading one-line JSON objects without allocating: the reader walks the line's bytes, escaped strings are
/// decoded into the parser's scratch buffer, nested values are skipped.</summary>
internal static class JsonValues
{
    /// <summary>Shallow log objects need little depth; a line of 10,000 brackets fails fast instead of recursing.</summary>
    public static readonly JsonReaderOptions Options = new() { MaxDepth = 16 };

    /// <summary>The scalar the reader is on, as text: a string's decoded bytes, a number's digits, <c>true</c>;
    /// empty for null, an object or an array (which are skipped).</summary>
    public static ReadOnlySpan<byte> Scalar(scoped ref Utf8JsonReader reader, ScratchBuffer scratch)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (!reader.ValueIsEscaped) return reader.ValueSpan;
                var output = scratch.Take(reader.ValueSpan.Length); // decoding never lengthens a string
                return scratch.Keep(reader.CopyString(output));
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                return reader.ValueSpan;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                reader.Skip();
                return default;
            default:
                return default;
        }
    }

    /// <summary>A property name, decoded when escaped (<c>"\u0068ost"</c> is <c>host</c>).</summary>
    public static ReadOnlySpan<byte> Name(scoped ref Utf8JsonReader reader, ScratchBuffer scratch)
    {
        if (!reader.ValueIsEscaped) return reader.ValueSpan;
        var output = scratch.Take(reader.ValueSpan.Length);
        return scratch.Keep(reader.CopyString(output));
    }
}
