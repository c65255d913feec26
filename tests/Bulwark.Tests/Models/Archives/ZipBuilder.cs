using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Bulwark.Models.Archives;

namespace Bulwark.Tests.Models.Archives;

/// <summary>Writes zips byte by byte, with every field under the test's control (the tricks attackers play).</summary>
internal sealed class ZipBuilder
{
    public sealed class Entry
    {
        public required string Name { get; init; }
        public byte[] Data { get; init; } = [];
        /// <summary>Stored data written as this many bytes of a repeating pattern instead of <see cref="Data"/> (big members).</summary>
        public long StoredFill { get; init; } = -1;
        public bool Deflate { get; init; }
        public ushort Flags { get; init; }
        public ushort? CentralFlags { get; init; }
        public uint? Crc { get; init; }
        public string? CentralName { get; init; }
        public bool HiddenFromCentral { get; init; }
    }

    private readonly List<Entry> _entries = [];

    public ZipBuilder Add(Entry e)
    {
        _entries.Add(e);
        return this;
    }

    public ZipBuilder Add(string name, byte[] data, bool deflate = false) => Add(new Entry { Name = name, Data = data, Deflate = deflate });

    public byte[] Build()
    {
        using var ms = new MemoryStream();
        WriteTo(ms);
        return ms.ToArray();
    }

    public void WriteTo(Stream output)
    {
        var central = new MemoryStream();
        var count = 0;
        foreach (var e in _entries)
        {
            var offset = output.Position;
            byte[] payload;
            uint crc;
            long usize;
            if (e.StoredFill >= 0)
            {
                payload = [];
                usize = e.StoredFill;
                crc = e.Crc ?? 0;
            }
            else
            {
                var c = new Crc32();
                c.Append(e.Data);
                crc = e.Crc ?? c.Value;
                usize = e.Data.Length;
                payload = e.Deflate ? DeflateBytes(e.Data) : e.Data;
            }
            var csize = e.StoredFill >= 0 ? e.StoredFill : payload.Length;
            var name = Encoding.UTF8.GetBytes(e.Name);
            var method = (ushort)(e.Deflate ? 8 : 0);
            var local = new byte[30];
            BinaryPrimitives.WriteUInt32LittleEndian(local, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(6), e.Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(8), method);
            BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(14), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(18), (uint)csize);
            BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(22), (uint)usize);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(26), (ushort)name.Length);
            output.Write(local);
            output.Write(name);
            if (e.StoredFill >= 0)
            {
                var chunk = new byte[1 << 20];
                for (var i = 0; i < chunk.Length; i++) chunk[i] = (byte)(i * 7 + 3);
                for (var left = e.StoredFill; left > 0; left -= chunk.Length) output.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
            }
            else output.Write(payload);
            if (e.HiddenFromCentral) continue;
            var cname = Encoding.UTF8.GetBytes(e.CentralName ?? e.Name);
            var cd = new byte[46];
            BinaryPrimitives.WriteUInt32LittleEndian(cd, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(cd.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(cd.AsSpan(6), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(cd.AsSpan(8), e.CentralFlags ?? e.Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(cd.AsSpan(10), method);
            BinaryPrimitives.WriteUInt32LittleEndian(cd.AsSpan(16), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(cd.AsSpan(20), (uint)csize);
            BinaryPrimitives.WriteUInt32LittleEndian(cd.AsSpan(24), (uint)usize);
            BinaryPrimitives.WriteUInt16LittleEndian(cd.AsSpan(28), (ushort)cname.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(cd.AsSpan(42), (uint)offset);
            central.Write(cd);
            central.Write(cname);
            count++;
        }
        var cdOffset = output.Position;
        central.Position = 0;
        central.CopyTo(output);
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)central.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)cdOffset);
        output.Write(end);
    }

    public static byte[] DeflateBytes(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var d = new DeflateStream(ms, CompressionLevel.Optimal, leaveOpen: true)) d.Write(data);
        return ms.ToArray();
    }
}

/// <summary>Counts bytes read through a stream (to prove tensor data is not read).</summary>
internal sealed class ReadCountingStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        BytesRead += n;
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
