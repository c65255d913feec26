// Test writers over MemoryStreams: nothing to dispose.
#pragma warning disable CA1001

using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Bulwark.Models;
using Bulwark.Models.Formats;

namespace Bulwark.Tests.Models.Formats;

/// <summary>A <see cref="ModelScan"/> that records what formats report and hand back.</summary>
internal sealed class RecordingScan(string? directory = null, int depth = 0) : ModelScan, IModelScanDirectory
{
    public List<ModelIssue> Issues { get; } = [];

    public List<string> NestedMembers { get; } = [];

    public List<string> PickleMembers { get; } = [];

    public override ModelScanLimits Limits { get; } = ModelScanLimits.Default;

    public override CancellationToken CancellationToken => CancellationToken.None;

    public override int Depth => depth;

    public string? Directory => directory;

    public ModelVerdict Verdict => Issues.Count == 0 ? ModelVerdict.Clean : Issues.Max(i => i.Verdict);

    public override void Report(ModelIssue issue) => Issues.Add(issue);

    public override void Nested(Stream content, string member) => NestedMembers.Add(member);

    public override void Pickle(Stream content, string member) => PickleMembers.Add(member);

    public static RecordingScan Run(IModelFormat format, byte[] bytes, string member = "model", string? directory = null)
    {
        var scan = new RecordingScan(directory);
        format.Inspect(new MemoryStream(bytes, writable: false), member, scan);
        return scan;
    }
}

/// <summary>A tiny protobuf wire-format writer for authoring ONNX and SavedModel files in tests.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _out = new();

    public ProtoWriter Varint(int field, ulong value)
    {
        Raw((ulong)field << 3);
        Raw(value);
        return this;
    }

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Raw(((ulong)field << 3) | 2);
        Raw((ulong)value.Length);
        _out.Write(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    public byte[] ToArray() => _out.ToArray();

    private void Raw(ulong value)
    {
        while (value >= 0x80)
        {
            _out.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _out.WriteByte((byte)value);
    }
}

internal static class Safetensors
{
    public static byte[] Header(string json)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] File(string json, int dataBytes) => [.. Header(json), .. new byte[dataBytes]];

    /// <summary>Two F32 tensors of 2x2 and 3, contiguous: 28 bytes of data.</summary>
    public static byte[] Benign() => File(
        """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[3],"data_offsets":[16,28]}}""",
        28);
}

/// <summary>Writes GGUF v3 files.</summary>
internal sealed class GgufWriter
{
    private readonly MemoryStream _kv = new();
    private readonly MemoryStream _tensors = new();
    private int _kvCount;
    private int _tensorCount;

    public uint Version { get; init; } = 3;

    public GgufWriter String(string key, string value)
    {
        WriteString(_kv, key);
        WriteU32(_kv, 8);
        WriteString(_kv, value);
        _kvCount++;
        return this;
    }

    public GgufWriter UInt32(string key, uint value)
    {
        WriteString(_kv, key);
        WriteU32(_kv, 4);
        WriteU32(_kv, value);
        _kvCount++;
        return this;
    }

    public GgufWriter StringArray(string key, params string[] values)
    {
        WriteString(_kv, key);
        WriteU32(_kv, 9);
        WriteU32(_kv, 8);
        WriteU64(_kv, (ulong)values.Length);
        foreach (var v in values)
        {
            WriteString(_kv, v);
        }

        _kvCount++;
        return this;
    }

    /// <summary>An F32 tensor of <paramref name="dims"/> at <paramref name="offset"/>.</summary>
    public GgufWriter Tensor(string name, ulong offset, params ulong[] dims)
    {
        WriteString(_tensors, name);
        WriteU32(_tensors, (uint)dims.Length);
        foreach (var d in dims)
        {
            WriteU64(_tensors, d);
        }

        WriteU32(_tensors, 0);
        WriteU64(_tensors, offset);
        _tensorCount++;
        return this;
    }

    /// <summary>The header (padded to 32) followed by <paramref name="dataBytes"/> zero bytes.</summary>
    public byte[] ToArray(int dataBytes)
    {
        var header = HeaderBytes();
        return [.. header, .. new byte[dataBytes]];
    }

    public byte[] HeaderBytes()
    {
        var s = new MemoryStream();
        s.Write("GGUF"u8);
        WriteU32(s, Version);
        WriteU64(s, (ulong)_tensorCount);
        WriteU64(s, (ulong)_kvCount);
        s.Write(_kv.ToArray());
        s.Write(_tensors.ToArray());
        while (s.Length % 32 != 0)
        {
            s.WriteByte(0);
        }

        return s.ToArray();
    }

    private static void WriteString(Stream s, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteU64(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteU32(Stream s, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteU64(Stream s, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        s.Write(b);
    }
}

/// <summary>
/// A read-only stream of <see cref="Length"/> bytes of which only the first few exist (the rest read as zeros): a
/// multi-gigabyte model without the disk. Counts the bytes actually read.
/// </summary>
internal sealed class SparseStream(byte[] head, long length) : Stream
{
    private long _position;

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position { get => _position; set => _position = value; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Max(0, Math.Min(count, length - _position));
        for (var i = 0; i < n; i++)
        {
            var p = _position + i;
            buffer[offset + i] = p < head.Length ? head[p] : (byte)0;
        }

        _position += n;
        BytesRead += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal static class Json
{
    public static byte[] Bytes(object value) => JsonSerializer.SerializeToUtf8Bytes(value);
}
