using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Bulwark.Models.Archives;

namespace Bulwark.Models.Bom;

/// <summary>A weights file's format as its first bytes say (the name only breaks ties), and the framework it implies.</summary>
public sealed record WeightFormat(string Format, string? Framework);

/// <summary>What a weights header says without reading tensor data: parameter count, architecture, tensor types.</summary>
public sealed record WeightHeader(long? ParameterCount, string? Architecture, string? Name, IReadOnlyList<string> TensorTypes);

/// <summary>
/// Cheap content detection for the AI-BOM: magic bytes of the common weight formats, and the parameter counts that
/// safetensors and GGUF headers give away. Hostile files only cost bounded reads: headers have size caps and every
/// malformed header answers "unknown" rather than throwing.
/// </summary>
public static class WeightFiles
{
    private static readonly string[] Extensions = [".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx", ".h5", ".keras", ".pkl", ".joblib", ".npz"];

    /// <summary>Largest safetensors JSON header read (real ones are well under 10 MB).</summary>
    public const long MaxSafetensorsHeader = 100L << 20;

    /// <summary>Whether the file name is one a model's weights go by.</summary>
    public static bool IsWeightsName(string fileName) =>
        fileName == "saved_model.pb" || Extensions.Any(e => fileName.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    public static WeightFormat Detect(string path)
    {
        Span<byte> head = stackalloc byte[16];
        long length;
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            length = stream.Length;
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new WeightFormat("unreadable", null);
        }
        return Detect(head[..read], length, Path.GetFileName(path));
    }

    public static WeightFormat Detect(ReadOnlySpan<byte> head, long length, string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var torchName = extension is ".pt" or ".pth" or ".bin" or ".ckpt";
        if (head.StartsWith("GGUF"u8)) return new("gguf", "llama.cpp (GGUF)");
        if (head.Length >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(head) is var n && n >= 2 && n <= (ulong)Math.Max(0, length - 8) && head[8] == (byte)'{')
        {
            return new("safetensors", "safetensors");
        }
        if (head.StartsWith("PK\x03\x04"u8))
        {
            return extension switch
            {
                ".keras" => new("keras-zip", "Keras"),
                ".npz" => new("npz", "NumPy"),
                _ when torchName => new("pytorch-zip", "PyTorch"),
                _ => new("zip", null),
            };
        }
        if (head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5)
        {
            return extension switch
            {
                ".joblib" => new("joblib-pickle", "scikit-learn (joblib)"),
                _ when torchName => new("pytorch-pickle", "PyTorch"),
                _ => new("pickle", "Python pickle"),
            };
        }
        if (head.StartsWith(ArchiveSupport.Hdf5Magic)) return new("hdf5", extension is ".h5" or ".keras" ? "Keras" : null);
        if (head.StartsWith(ArchiveSupport.NumpyMagic)) return new("npy", "NumPy");
        if (head.Length > 0 && head[0] == 0x08 && fileName == "saved_model.pb") return new("tensorflow-savedmodel", "TensorFlow");
        if (head.Length > 0 && head[0] == 0x08 && extension == ".onnx") return new("onnx", "ONNX");
        if (head.Length >= 2 && head[0] == 0x78 && extension == ".joblib") return new("joblib-zlib", "scikit-learn (joblib)");
        return new("unknown", null);
    }

    /// <summary>The header of a safetensors or GGUF file; null for other formats or a header that cannot be read.</summary>
    public static WeightHeader? ReadHeader(string path, string format)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return format switch
            {
                "safetensors" => ReadSafetensors(stream),
                "gguf" => ReadGguf(stream),
                _ => null,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or OverflowException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>safetensors: u64 little-endian header size, then a JSON object of tensors (<c>dtype</c>, <c>shape</c>, offsets).</summary>
    public static WeightHeader? ReadSafetensors(Stream stream)
    {
        Span<byte> size = stackalloc byte[8];
        stream.ReadExactly(size);
        var length = BinaryPrimitives.ReadUInt64LittleEndian(size);
        if (length > (ulong)MaxSafetensorsHeader || length > (ulong)(stream.Length - 8)) return null;
        var header = new byte[length];
        stream.ReadExactly(header);
        using var document = JsonDocument.Parse(header);
        if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
        long parameters = 0;
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tensor in document.RootElement.EnumerateObject())
        {
            if (tensor.Name == "__metadata__" || tensor.Value.ValueKind != JsonValueKind.Object) continue;
            if (tensor.Value.TryGetProperty("dtype", out var dtype) && dtype.ValueKind == JsonValueKind.String) types.Add(dtype.GetString()!);
            if (!tensor.Value.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array) return null;
            long count = 1;
            foreach (var dimension in shape.EnumerateArray()) count = checked(count * dimension.GetInt64());
            parameters = checked(parameters + count);
        }
        return new WeightHeader(parameters, null, null, [.. types]);
    }

    /// <summary>
    /// GGUF v2/v3: magic, version, tensor count, metadata count, metadata (key, type, value), tensor infos. Reads
    /// <c>general.architecture</c>, <c>general.name</c> and <c>general.parameter_count</c>; without the last, sums the
    /// tensor shapes.
    /// </summary>
    public static WeightHeader? ReadGguf(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != 0x46554747) return null; // "GGUF"
        var version = reader.ReadUInt32();
        if (version is not (2 or 3)) return null;
        var tensorCount = reader.ReadUInt64();
        var metadataCount = reader.ReadUInt64();
        if (tensorCount > 10_000_000 || metadataCount > 1_000_000) return null;
        string? architecture = null, name = null;
        long? parameterCount = null;
        for (ulong i = 0; i < metadataCount; i++)
        {
            var key = ReadGgufString(reader, stream);
            var type = reader.ReadUInt32();
            switch (key)
            {
                case "general.architecture" when type == 8:
                    architecture = ReadGgufString(reader, stream);
                    break;
                case "general.name" when type == 8:
                    name = ReadGgufString(reader, stream);
                    break;
                case "general.parameter_count" when type is 10 or 4:
                    parameterCount = type == 10 ? checked((long)reader.ReadUInt64()) : reader.ReadUInt32();
                    break;
                default:
                    SkipGgufValue(reader, stream, type, depth: 0);
                    break;
            }
        }
        if (parameterCount is null)
        {
            long sum = 0;
            for (ulong t = 0; t < tensorCount; t++)
            {
                SkipBytes(stream, ReadLength(reader, stream)); // name
                var dimensions = reader.ReadUInt32();
                if (dimensions > 8) return null;
                long count = 1;
                for (var d = 0; d < dimensions; d++) count = checked(count * (long)reader.ReadUInt64());
                reader.ReadUInt32(); // type
                reader.ReadUInt64(); // offset
                sum = checked(sum + count);
            }
            parameterCount = sum;
        }
        return new WeightHeader(parameterCount, architecture, name, []);
    }

    private static ulong ReadLength(BinaryReader reader, Stream stream)
    {
        var length = reader.ReadUInt64();
        return length <= (ulong)(stream.Length - stream.Position) ? length : throw new InvalidDataException("GGUF length past the end of the file");
    }

    private static string ReadGgufString(BinaryReader reader, Stream stream)
    {
        var length = ReadLength(reader, stream);
        if (length > 1 << 20) throw new InvalidDataException("GGUF string over 1 MiB");
        return Encoding.UTF8.GetString(reader.ReadBytes((int)length));
    }

    private static void SkipBytes(Stream stream, ulong count) => stream.Seek((long)count, SeekOrigin.Current);

    private static void SkipGgufValue(BinaryReader reader, Stream stream, uint type, int depth)
    {
        switch (type)
        {
            case 0 or 1 or 7: SkipBytes(stream, 1); break;
            case 2 or 3: SkipBytes(stream, 2); break;
            case 4 or 5 or 6: SkipBytes(stream, 4); break;
            case 10 or 11 or 12: SkipBytes(stream, 8); break;
            case 8: SkipBytes(stream, ReadLength(reader, stream)); break;
            case 9:
                if (depth > 2) throw new InvalidDataException("GGUF arrays nested too deep");
                var elementType = reader.ReadUInt32();
                var count = reader.ReadUInt64();
                var fixedSize = elementType switch { 0 or 1 or 7 => 1UL, 2 or 3 => 2UL, 4 or 5 or 6 => 4UL, 10 or 11 or 12 => 8UL, _ => 0UL };
                if (fixedSize > 0)
                {
                    if (count > (ulong)(stream.Length - stream.Position) / fixedSize) throw new InvalidDataException("GGUF array past the end of the file");
                    SkipBytes(stream, count * fixedSize);
                }
                else
                {
                    if (count > (ulong)(stream.Length - stream.Position)) throw new InvalidDataException("GGUF array past the end of the file");
                    for (ulong i = 0; i < count; i++) SkipGgufValue(reader, stream, elementType, depth + 1);
                }
                break;
            default: throw new InvalidDataException($"unknown GGUF value type {type}");
        }
    }
}
