using Bulwark.Models;

namespace Bulwark.Models.Formats;

/// <summary>
/// GGUF (llama.cpp): magic, version, metadata key/values, tensor infos, then aligned tensor data. The only part that
/// can run code is the Jinja chat template (<c>tokenizer.chat_template</c> and its named variants), rendered by
/// jinja2 in Python loaders; the rest is checked for bounds, because GGUF parsers have had heap overflows on lying
/// lengths. Every length is checked against the file before use; strings other than templates are skipped, and the
/// tensor data is never read (a multi-gigabyte file is judged from its header).
/// </summary>
/// <remarks>
/// <c>BW-MODEL-GGUF-MALFORMED</c> is an <see cref="ModelVerdict.Error"/> when the header cannot be walked (truncated,
/// lengths past the file, unknown types) and <see cref="ModelVerdict.Suspicious"/> when tensors overlap (aliased bytes).
/// </remarks>
public sealed class GgufFormat : IModelFormat
{
    public const int MaxDims = 4;
    public const long MaxTemplateBytes = 16L << 20;
    public const int MaxArrayNesting = 4;

    /// <summary>ggml tensor types: (elements per block, bytes per block); removed types are absent.</summary>
    internal static readonly IReadOnlyDictionary<uint, (int Block, int Bytes)> GgmlTypes = new Dictionary<uint, (int, int)>
    {
        [0] = (1, 4), [1] = (1, 2), [2] = (32, 18), [3] = (32, 20), [6] = (32, 22), [7] = (32, 24), [8] = (32, 34),
        [9] = (32, 36), [10] = (256, 84), [11] = (256, 110), [12] = (256, 144), [13] = (256, 176), [14] = (256, 210),
        [15] = (256, 292), [16] = (256, 66), [17] = (256, 74), [18] = (256, 98), [19] = (256, 50), [20] = (32, 18),
        [21] = (256, 110), [22] = (256, 82), [23] = (256, 136), [24] = (1, 1), [25] = (1, 2), [26] = (1, 4),
        [27] = (1, 8), [28] = (1, 8), [29] = (256, 56), [30] = (1, 2), [34] = (256, 54), [35] = (256, 66), [39] = (32, 17),
    };

    private enum ValueType : uint
    {
        UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8, Array = 9,
        UInt64 = 10, Int64 = 11, Float64 = 12,
    }

    public string Name => "gguf";

    public bool Recognizes(ReadOnlySpan<byte> head, long length) =>
        head.Length >= 8 && head[..4].SequenceEqual("GGUF"u8) && ReadVersion(head[4..8], out _, out _);

    public void Inspect(Stream content, string member, ModelScan scan)
    {
        try
        {
            Walk(new BoundedReader(content), member, scan);
        }
        catch (MalformedModelException e)
        {
            Malformed(scan, ModelVerdict.Error, member, null, e.Message);
        }
    }

    private static bool ReadVersion(ReadOnlySpan<byte> bytes, out uint version, out bool bigEndian)
    {
        var le = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        var be = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
        (version, bigEndian) = le is >= 1 and <= 3 ? (le, false) : (be, true);
        return version is >= 1 and <= 3;
    }

    private static void Walk(BoundedReader reader, string member, ModelScan scan)
    {
        Span<byte> head = stackalloc byte[8];
        reader.ReadExactly(head);
        if (!head[..4].SequenceEqual("GGUF"u8) || !ReadVersion(head[4..], out var version, out var bigEndian))
        {
            throw new MalformedModelException("no GGUF magic and version 1-3");
        }

        reader.BigEndian = bigEndian;
        var v1 = version == 1;
        var tensorCount = v1 ? reader.ReadUInt32() : reader.ReadUInt64();
        var kvCount = v1 ? reader.ReadUInt32() : reader.ReadUInt64();
        var stringHeader = v1 ? 4 : 8;

        // Each key/value is at least a key length, a type and one byte; each tensor info a name length, a dimension
        // count, a type and an offset: counts beyond what the file could hold are lies.
        if (kvCount > (ulong)(reader.Remaining / (stringHeader + 5)))
        {
            throw new MalformedModelException($"{kvCount} metadata entries cannot fit in the {reader.Length}-byte file");
        }

        if (tensorCount > (ulong)(reader.Remaining / (stringHeader + 16)))
        {
            throw new MalformedModelException($"{tensorCount} tensor infos cannot fit in the {reader.Length}-byte file");
        }

        long alignment = 32;
        for (ulong i = 0; i < kvCount; i++)
        {
            scan.CancellationToken.ThrowIfCancellationRequested();
            var key = ReadString(reader, v1, 64 * 1024) ?? throw new MalformedModelException("a metadata key over 64 KiB");
            var type = (ValueType)reader.ReadUInt32();
            if (key.StartsWith("tokenizer.chat_template", StringComparison.Ordinal) && type == ValueType.String)
            {
                var template = ReadString(reader, v1, MaxTemplateBytes);
                if (template is null)
                {
                    Malformed(scan, ModelVerdict.Error, member, key, $"chat template over {MaxTemplateBytes} bytes was not checked");
                }
                else
                {
                    CheckTemplate(template, member, key, scan);
                }

                continue;
            }

            if (key == "general.alignment" && type == ValueType.UInt32)
            {
                alignment = reader.ReadUInt32();
                if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > 1 << 20)
                {
                    throw new MalformedModelException($"general.alignment {alignment} is not a power of two up to 1 MiB");
                }

                continue;
            }

            SkipValue(reader, type, v1, 0, scan);
        }

        var tensors = new List<(ulong Offset, ulong Size, string Name)>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            scan.CancellationToken.ThrowIfCancellationRequested();
            var name = ReadString(reader, v1, 64 * 1024) ?? throw new MalformedModelException("a tensor name over 64 KiB");
            var dims = reader.ReadUInt32();
            if (dims is 0 or > MaxDims)
            {
                throw new MalformedModelException($"tensor {name} has {dims} dimensions (1 to {MaxDims})");
            }

            ulong elements = 1;
            for (var d = 0; d < dims; d++)
            {
                var size = v1 ? reader.ReadUInt32() : reader.ReadUInt64();
                if (size != 0 && elements > (ulong)reader.Length * 8 / size)
                {
                    throw new MalformedModelException($"tensor {name} declares more elements than the file could hold");
                }

                elements *= size;
            }

            var ggmlType = reader.ReadUInt32();
            var offset = reader.ReadUInt64();
            if (!GgmlTypes.TryGetValue(ggmlType, out var layout))
            {
                throw new MalformedModelException($"tensor {name} has unknown ggml type {ggmlType}");
            }

            if (elements % (ulong)layout.Block != 0)
            {
                throw new MalformedModelException($"tensor {name}: {elements} elements is not a whole number of {layout.Block}-element blocks");
            }

            if (offset % (ulong)alignment != 0)
            {
                throw new MalformedModelException($"tensor {name} offset {offset} is not aligned to {alignment}");
            }

            tensors.Add((offset, elements / (ulong)layout.Block * (ulong)layout.Bytes, name));
        }

        var dataStart = (reader.Position + alignment - 1) / alignment * alignment;
        var dataLength = reader.Length - dataStart;
        if (tensorCount > 0 && dataLength < 0)
        {
            throw new MalformedModelException("the file ends before its tensor data");
        }

        tensors.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        ulong covered = 0;
        foreach (var (offset, size, name) in tensors)
        {
            if (offset > (ulong)dataLength || size > (ulong)dataLength - offset)
            {
                Malformed(scan, ModelVerdict.Error, member, name,
                    $"tensor bytes [{offset}, {offset + size}) run past the data area ({dataLength} bytes): truncated or lying header");
                continue;
            }

            if (offset < covered)
            {
                Malformed(scan, ModelVerdict.Suspicious, member, name, $"tensor bytes [{offset}, {offset + size}) overlap the previous tensor");
            }

            covered = Math.Max(covered, offset + size);
        }
    }

    private static void CheckTemplate(string template, string member, string key, ModelScan scan)
    {
        var found = JinjaTemplateCheck.Find(template);
        if (found.Count > 0)
        {
            scan.Report(new ModelIssue(ModelRuleIds.GgufTemplateInjection, ModelVerdict.Malicious, ModelFormatRules.At(member, key),
                "chat template reaches Python internals (a jinja2 sandbox escape runs code when a prompt is formatted)",
                string.Join(", ", found)));
        }
    }

    /// <summary>Reads a string, or skips it (returning null) when longer than <paramref name="max"/>.</summary>
    private static string? ReadString(BoundedReader reader, bool v1, long max)
    {
        var length = v1 ? reader.ReadUInt32() : reader.ReadUInt64();
        if (length > (ulong)reader.Remaining)
        {
            throw new MalformedModelException($"a string of {length} bytes at offset {reader.Position} runs past the end of the file");
        }

        if (length > (ulong)max)
        {
            reader.Skip((long)length);
            return null;
        }

        return reader.ReadUtf8((long)length, max);
    }

    private static void SkipValue(BoundedReader reader, ValueType type, bool v1, int nesting, ModelScan scan)
    {
        switch (type)
        {
            case ValueType.UInt8 or ValueType.Int8 or ValueType.Bool:
                reader.Skip(1);
                break;
            case ValueType.UInt16 or ValueType.Int16:
                reader.Skip(2);
                break;
            case ValueType.UInt32 or ValueType.Int32 or ValueType.Float32:
                reader.Skip(4);
                break;
            case ValueType.UInt64 or ValueType.Int64 or ValueType.Float64:
                reader.Skip(8);
                break;
            case ValueType.String:
                var length = v1 ? reader.ReadUInt32() : reader.ReadUInt64();
                if (length > (ulong)reader.Remaining)
                {
                    throw new MalformedModelException($"a string of {length} bytes at offset {reader.Position} runs past the end of the file");
                }

                reader.Skip((long)length);
                break;
            case ValueType.Array:
                if (nesting >= MaxArrayNesting)
                {
                    throw new MalformedModelException($"arrays nested deeper than {MaxArrayNesting}");
                }

                var elementType = (ValueType)reader.ReadUInt32();
                var count = v1 ? reader.ReadUInt32() : reader.ReadUInt64();
                var fixedSize = elementType switch
                {
                    ValueType.UInt8 or ValueType.Int8 or ValueType.Bool => 1,
                    ValueType.UInt16 or ValueType.Int16 => 2,
                    ValueType.UInt32 or ValueType.Int32 or ValueType.Float32 => 4,
                    ValueType.UInt64 or ValueType.Int64 or ValueType.Float64 => 8,
                    ValueType.String or ValueType.Array => 0,
                    _ => throw new MalformedModelException($"unknown array element type {(uint)elementType}"),
                };
                if (fixedSize > 0)
                {
                    if (count > (ulong)(reader.Remaining / fixedSize))
                    {
                        throw new MalformedModelException($"an array of {count} elements runs past the end of the file");
                    }

                    reader.Skip((long)count * fixedSize);
                    break;
                }

                // Strings and arrays are at least 8 (v1: 4) bytes each: a count beyond that is a lie.
                if (count > (ulong)(reader.Remaining / (v1 ? 4 : 8)))
                {
                    throw new MalformedModelException($"an array of {count} elements runs past the end of the file");
                }

                for (ulong i = 0; i < count; i++)
                {
                    if ((i & 0xFFF) == 0)
                    {
                        scan.CancellationToken.ThrowIfCancellationRequested();
                    }

                    SkipValue(reader, elementType, v1, nesting + 1, scan);
                }

                break;
            default:
                throw new MalformedModelException($"unknown metadata value type {(uint)type}");
        }
    }

    private static void Malformed(ModelScan scan, ModelVerdict verdict, string member, string? key, string message) =>
        scan.Report(new ModelIssue(ModelRuleIds.GgufMalformed, verdict, ModelFormatRules.At(member, key), message,
            key ?? string.Empty));
}
