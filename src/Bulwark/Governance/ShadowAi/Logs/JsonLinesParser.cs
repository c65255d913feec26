using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// One JSON object per line, read through a <see cref="ColumnMapping"/> whose columns are top-level keys (matched
/// exactly, as JSON keys are case-sensitive; a dotted name such as <c>id.orig_h</c> is one key). Values may be
/// strings or numbers; nested objects and arrays are passed over.
/// </summary>
public sealed class JsonLinesParser : LogLineParser
{
    private readonly byte[][] keys; // the UTF-8 key of each MappedFields slot, 1-based; empty when not mapped
    private readonly ScratchBuffer scratch = new();

    public JsonLinesParser(ColumnMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.Host is null) throw new BulwarkInputException("a column mapping needs host=<key>");
        var columns = mapping.Columns();
        var numbered = columns.FirstOrDefault(c => c is not null && ColumnMapping.IsIndex(c));
        if (numbered is not null) throw new BulwarkInputException($"JSON lines have keys, not column numbers: '{numbered}'");
        keys = [[], .. columns.Select(c => c is null ? [] : Encoding.UTF8.GetBytes(c))];
    }

    public override string Format => "jsonl";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record)
    {
        scratch.Clear();
        var fields = default(MappedFields);
        var reader = new Utf8JsonReader(line, JsonValues.Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return Malformed("not a JSON object");
            var closed = false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    closed = true;
                    break;
                }
                var slot = Slot(JsonValues.Name(ref reader, scratch));
                if (!reader.Read()) break;
                fields.Set(slot, JsonValues.Scalar(ref reader, scratch));
            }
            if (!closed) return Malformed("not a JSON object");
            if (reader.Read()) return Malformed("text after the JSON object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Malformed("invalid JSON"); // InvalidOperationException: a string escape that is not valid UTF-16 (a lone surrogate)
        }
        if (fields.HostValue.IsEmpty) return Malformed("no host key");
        var problem = fields.Fill(ref record);
        return problem is null ? LineOutcome.Record : Malformed(problem);
    }

    private byte Slot(ReadOnlySpan<byte> name)
    {
        for (var slot = 1; slot < keys.Length; slot++)
        {
            if (keys[slot].Length > 0 && name.SequenceEqual(keys[slot])) return (byte)slot;
        }
        return MappedFields.None;
    }
}
