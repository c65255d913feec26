using Bulwark.Models;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Bulwark.Models.Formats;

/// <summary>
/// safetensors: an 8-byte little-endian header length, a JSON header, then raw tensor bytes. Nothing in the format
/// runs code; what is checked is that the header is what the reference loader accepts, because a header that hides or
/// aliases bytes (gaps, overlaps, trailing data) is how a polyglot file smuggles a second payload past scanners, and
/// a header that lies about lengths is a denial-of-service vector. Only the header is read, never the tensor data.
/// </summary>
/// <remarks>
/// Verdicts of <c>BW-MODEL-SAFETENSORS-MALFORMED</c>: <see cref="ModelVerdict.Error"/> when the header cannot be
/// understood (length out of bounds, not UTF-8 JSON, unknown dtype, shape that does not match its byte range);
/// <see cref="ModelVerdict.Suspicious"/> when it parses but hides or aliases bytes (overlapping tensors, gaps, bytes
/// after the last tensor, duplicate keys, non-string metadata) — the shape of a polyglot or a parser-differential.
/// </remarks>
public sealed class SafetensorsFormat : IModelFormat
{
    /// <summary>The largest header read (the reference implementation's limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Bits per element of each dtype the safetensors specification defines.</summary>
    internal static readonly IReadOnlyDictionary<string, int> DtypeBits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["BOOL"] = 8, ["U8"] = 8, ["I8"] = 8, ["F8_E5M2"] = 8, ["F8_E4M3"] = 8, ["F8_E8M0"] = 8,
        ["I16"] = 16, ["U16"] = 16, ["F16"] = 16, ["BF16"] = 16,
        ["I32"] = 32, ["U32"] = 32, ["F32"] = 32,
        ["I64"] = 64, ["U64"] = 64, ["F64"] = 64, ["C64"] = 64,
        ["F4"] = 4, ["F6_E2M3"] = 6, ["F6_E3M2"] = 6,
    };

    public string Name => "safetensors";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        if (head.Length < 10 || length < 10)
        {
            return false;
        }

        var n = BinaryPrimitives.ReadUInt64LittleEndian(head);
        // The header is a JSON object starting right after the length; the reference writer emits '{' first.
        return n >= 2 && n <= (ulong)(length - 8) && head[8] == (byte)'{';
    }

    public void Inspect(Stream content, string member, ModelScan scan)
    {
        try
        {
            InspectHeader(content, member, scan);
        }
        catch (MalformedModelException e)
        {
            Report(scan, ModelVerdict.Error, member, null, e.Message);
        }
    }

    private static void InspectHeader(Stream content, string member, ModelScan scan)
    {
        var reader = new BoundedReader(content, 16 * 1024);
        var declared = reader.ReadUInt64();
        var limit = Math.Min(MaxHeaderBytes, scan.Limits.MaxMemberBytes);
        if (declared > (ulong)reader.Remaining || declared > (ulong)limit)
        {
            Report(scan, ModelVerdict.Error, member, null,
                $"header length {declared} is over the limit ({limit} bytes) or past the end of the file ({reader.Remaining} bytes follow)",
                declared.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        var header = reader.ReadBytes((long)declared, limit);
        var dataLength = reader.Remaining;
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(header);
        }
        catch (DecoderFallbackException)
        {
            Report(scan, ModelVerdict.Error, member, null, "the header is not valid UTF-8");
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            Report(scan, ModelVerdict.Error, member, null, $"the header is not valid JSON: {e.Message}");
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                Report(scan, ModelVerdict.Error, member, null, "the header is not a JSON object");
                return;
            }

            CheckTensors(document.RootElement, dataLength, member, scan);
        }
    }

    private static void CheckTensors(JsonElement root, long dataLength, string member, ModelScan scan)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        foreach (var property in root.EnumerateObject())
        {
            scan.CancellationToken.ThrowIfCancellationRequested();
            if (!seen.Add(property.Name))
            {
                Report(scan, ModelVerdict.Suspicious, member, property.Name,
                    "duplicate key in the header: parsers disagree on which one wins", property.Name);
                continue;
            }

            if (property.Name == "__metadata__")
            {
                CheckMetadata(property.Value, member, scan);
                continue;
            }

            var tensor = property.Value;
            if (tensor.ValueKind != JsonValueKind.Object
                || !tensor.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
                || !tensor.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
                || !tensor.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array
                || offsets.GetArrayLength() != 2)
            {
                Report(scan, ModelVerdict.Error, member, property.Name, "tensor entry lacks dtype, shape or a [begin, end] data_offsets pair");
                continue;
            }

            var dtypeName = dtype.GetString()!;
            if (!DtypeBits.TryGetValue(dtypeName, out var bits))
            {
                Report(scan, ModelVerdict.Error, member, property.Name, $"unknown dtype {dtypeName}", dtypeName);
                continue;
            }

            if (!TryGetOffset(offsets[0], out var begin) || !TryGetOffset(offsets[1], out var end) || end < begin)
            {
                Report(scan, ModelVerdict.Error, member, property.Name, "data_offsets are not two non-negative integers with begin <= end");
                continue;
            }

            if (end > dataLength)
            {
                Report(scan, ModelVerdict.Error, member, property.Name,
                    $"data_offsets [{begin}, {end}] run past the data area ({dataLength} bytes)");
                continue;
            }

            if (!TryElementCount(shape, out var elements))
            {
                Report(scan, ModelVerdict.Error, member, property.Name, "shape is not a list of non-negative integers (or its product overflows)");
                continue;
            }

            var expectedBits = elements * bits;
            if (expectedBits % 8 != 0 || expectedBits / 8 != end - begin)
            {
                Report(scan, ModelVerdict.Error, member, property.Name,
                    $"shape x dtype is {expectedBits / 8.0} bytes but data_offsets span {end - begin}");
                continue;
            }

            ranges.Add((begin, end, property.Name));
        }

        ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long covered = 0;
        foreach (var (begin, end, name) in ranges)
        {
            if (begin < covered)
            {
                Report(scan, ModelVerdict.Suspicious, member, name,
                    $"tensor bytes [{begin}, {end}) overlap the previous tensor (ending at {covered})");
            }
            else if (begin > covered)
            {
                Report(scan, ModelVerdict.Suspicious, member, name,
                    $"{begin - covered} bytes before this tensor belong to no tensor (a gap can hide a second payload)");
            }

            covered = Math.Max(covered, end);
        }

        if (covered < dataLength)
        {
            Report(scan, ModelVerdict.Suspicious, member, null,
                $"{dataLength - covered} bytes after the last tensor belong to no tensor (trailing data can hide a second payload)");
        }
    }

    private static void CheckMetadata(JsonElement metadata, string member, ModelScan scan)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            Report(scan, ModelVerdict.Suspicious, member, "__metadata__", "__metadata__ is not a string-to-string map");
            return;
        }

        foreach (var entry in metadata.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                Report(scan, ModelVerdict.Suspicious, member, "__metadata__." + entry.Name,
                    "__metadata__ value is not a string (the reference loader rejects it)", entry.Name);
            }
        }
    }

    private static bool TryGetOffset(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }

    private static bool TryElementCount(JsonElement shape, out long count)
    {
        count = 1;
        foreach (var dim in shape.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var d) || d < 0)
            {
                return false;
            }

            // Bound the product so count * 64 bits cannot overflow.
            if (d != 0 && count > (long.MaxValue / 64) / d)
            {
                return false;
            }

            count *= d;
        }

        return true;
    }

    private static void Report(ModelScan scan, ModelVerdict verdict, string member, string? key, string message, string evidence = "") =>
        scan.Report(new ModelIssue(ModelRuleIds.SafetensorsMalformed, verdict, ModelFormatRules.At(member, key), message, evidence));
}
