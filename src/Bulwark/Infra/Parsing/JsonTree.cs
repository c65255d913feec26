using System.Text;
using System.Text.Json;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Reads JSON into the value tree with the line and column of every key and value (Terraform plans, Kubernetes
/// manifests written as JSON). Built on <see cref="Utf8JsonReader"/>, which validates as it goes; this adds positions,
/// the depth and value bounds, and turns malformed input into one error at the place it breaks.
/// </summary>
public static class JsonTree
{
    /// <summary>
    /// Parses <paramref name="text"/>; errors go to <paramref name="errors"/>. Returns the tree, the part read before an
    /// error, or null when not even the first value could be read. Never throws on bad input.
    /// </summary>
    public static InfraValue? Parse(string text, InfraParseLimits limits, List<InfraParseError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(errors);
        var byteOrderMark = text.StartsWith('\uFEFF');
        var bytes = Encoding.UTF8.GetBytes(byteOrderMark ? text[1..] : text);
        var builder = new JsonTreeBuilder(bytes, limits, errors, byteOrderMark ? 1 : 0);
        return builder.Build();
    }

    /// <summary>Parses <paramref name="text"/>, returning the tree (or the part read before an error) and the errors.</summary>
    public static (InfraValue? Value, IReadOnlyList<InfraParseError> Errors) Parse(string text, InfraParseLimits limits)
    {
        var errors = new List<InfraParseError>();
        var value = Parse(text, limits, errors);
        return (value, errors);
    }
}

/// <summary>
/// Builds the tree by recursive descent over the reader's tokens. Recursion stops at
/// <see cref="InfraParseLimits.MaxDepth"/>, so a hundred thousand '[' cost one error, not the stack.
/// </summary>
internal sealed class JsonTreeBuilder(byte[] bytes, InfraParseLimits limits, List<InfraParseError> errors, int firstLineShift)
{
    private readonly Utf8Positions _positions = new(bytes, firstLineShift);
    private int _nodes;
    private bool _stopped;
    private long _lastOffset;

    public InfraValue? Build()
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = limits.MaxDepth + 8, // this builder stops first, with its own message
        });
        if (!TryRead(ref reader)) return null;
        var root = ReadValue(ref reader, 0);
        if (!_stopped && TryRead(ref reader)) Error("unexpected content after the JSON value", reader.TokenStartIndex);
        return root;
    }

    private InfraValue? ReadValue(ref Utf8JsonReader reader, int depth)
    {
        _lastOffset = reader.TokenStartIndex;
        var (line, column) = _positions.Locate(_lastOffset);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject or JsonTokenType.StartArray when depth >= limits.MaxDepth:
                Error($"nesting deeper than {limits.MaxDepth}", reader.TokenStartIndex);
                _stopped = true;
                return null;
            case JsonTokenType.StartObject:
                return ReadObject(ref reader, depth, line, column);
            case JsonTokenType.StartArray:
                return ReadArray(ref reader, depth, line, column);
            case JsonTokenType.String:
                var text = ReadString(ref reader);
                return text is null ? null : Count(new InfraScalar(text, ScalarKind.Text, line, column));
            case JsonTokenType.Number:
                return Count(new InfraScalar(Encoding.UTF8.GetString(reader.ValueSpan), ScalarKind.Number, line, column));
            case JsonTokenType.True or JsonTokenType.False:
                return Count(new InfraScalar(reader.TokenType == JsonTokenType.True ? "true" : "false", ScalarKind.Boolean, line, column));
            case JsonTokenType.Null:
                return Count(new InfraScalar("null", ScalarKind.Null, line, column));
            default:
                Error($"unexpected JSON token {reader.TokenType}", reader.TokenStartIndex);
                _stopped = true;
                return null;
        }
    }

    private InfraMap ReadObject(ref Utf8JsonReader reader, int depth, int line, int column)
    {
        var entries = new List<InfraEntry>();
        while (!_stopped && TryRead(ref reader) && reader.TokenType == JsonTokenType.PropertyName)
        {
            var (keyLine, keyColumn) = _positions.Locate(reader.TokenStartIndex);
            var key = ReadString(ref reader);
            if (key is null || !TryRead(ref reader)) break;
            var value = ReadValue(ref reader, depth + 1);
            if (value is not null) entries.Add(new InfraEntry(key, value, keyLine, keyColumn));
        }

        return Count(new InfraMap(entries, line, column));
    }

    private InfraList ReadArray(ref Utf8JsonReader reader, int depth, int line, int column)
    {
        var items = new List<InfraValue>();
        while (!_stopped && TryRead(ref reader) && reader.TokenType != JsonTokenType.EndArray)
        {
            var value = ReadValue(ref reader, depth + 1);
            if (value is not null) items.Add(value);
        }

        return Count(new InfraList(items, line, column));
    }

    /// <summary>The reader rejects malformed input with an exception; here it becomes the file's one error.</summary>
    private bool TryRead(ref Utf8JsonReader reader)
    {
        if (_stopped) return false;
        try
        {
            return reader.Read();
        }
        catch (JsonException exception)
        {
            var (line, column) = _positions.LocateLineByte(exception.LineNumber ?? 0, exception.BytePositionInLine ?? 0);
            var message = exception.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            errors.Add(new InfraParseError($"invalid JSON: {(cut > 0 ? message[..cut] : message)}", line, column));
            _stopped = true;
            return false;
        }
    }

    private string? ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            Error("invalid JSON: a string holds an invalid escape or character", reader.TokenStartIndex);
            _stopped = true;
            return null;
        }
    }

    /// <summary>Counts a value; past the bound reading stops, but what was read stays in the tree.</summary>
    private T Count<T>(T value)
        where T : InfraValue
    {
        if (++_nodes > limits.MaxNodes && !_stopped)
        {
            Error($"more than {limits.MaxNodes} values: the rest of the file is not read", _lastOffset);
            _stopped = true;
        }

        return value;
    }

    private void Error(string message, long byteOffset)
    {
        var (line, column) = _positions.Locate(byteOffset);
        errors.Add(new InfraParseError(message, line, column));
    }
}

/// <summary>
/// Lines and columns of UTF-8 byte offsets, where a column counts UTF-16 units as an editor does. Offsets are asked
/// for in rising order, so one cursor moving forward makes the whole file linear even when it is a single line.
/// </summary>
internal sealed class Utf8Positions(byte[] bytes, int firstLineShift)
{
    private int _offset;
    private int _line = 1;
    private int _column = 1 + firstLineShift;

    public (int Line, int Column) Locate(long offset)
    {
        var target = (int)Math.Clamp(offset, 0, bytes.Length);
        if (target < _offset) (_offset, _line, _column) = (0, 1, 1 + firstLineShift);
        for (; _offset < target; _offset++)
        {
            var b = bytes[_offset];
            if (b == (byte)'\n')
            {
                _line++;
                _column = 1;
            }
            else if ((b & 0xC0) != 0x80)
            {
                _column += b >= 0xF0 ? 2 : 1; // a 4-byte sequence is a surrogate pair in UTF-16
            }
        }

        return (_line, _column);
    }

    /// <summary>The place the reader reports in an exception: a 0-based line and a byte position within it.</summary>
    public (int Line, int Column) LocateLineByte(long line, long byteInLine)
    {
        long lineStart = 0;
        for (long seen = 0; seen < line && lineStart < bytes.Length; lineStart++)
        {
            if (bytes[lineStart] == (byte)'\n') seen++;
        }

        var end = Math.Min(bytes.Length, lineStart + byteInLine);
        var column = 1 + (line == 0 ? firstLineShift : 0);
        for (var i = lineStart; i < end; i++)
        {
            if ((bytes[i] & 0xC0) != 0x80) column += bytes[i] >= 0xF0 ? 2 : 1;
        }

        return ((int)Math.Min(int.MaxValue, line + 1), Math.Max(1, column));
    }
}
