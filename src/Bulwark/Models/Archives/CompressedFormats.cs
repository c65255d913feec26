using System.IO.Compression;
using System.Text;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.LZMA;
using SharpCompress.Compressors.Xz;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace Bulwark.Models.Archives;

/// <summary>
/// A single compressed stream (gzip, bzip2, xz, lzma): decompressed lazily and bounded (member size, ratio, total),
/// and handed back to <see cref="ModelScan.Nested"/> as <c>{member}/{name}</c>. Truncation or corruption reports
/// <c>BW-MODEL-ARCHIVE-CORRUPT</c>; what was decompressed before it is still scanned.
/// </summary>
public abstract class CompressedStreamFormat : IModelFormat
{
    public abstract string Name { get; }

    public abstract bool Recognizes(ReadOnlySpan<byte> head, long length);

    /// <summary>The decompressor over the compressed bytes (<paramref name="compressed"/> counts what it reads).</summary>
    private protected abstract Stream Decompress(Stream compressed, Stream content);

    /// <summary>What is wrong with a stream that decompressed cleanly to this many bytes (see <see cref="LazyMemberStream"/>).</summary>
    private protected virtual Func<long, string?>? EndCheck(Stream content) => null;

    /// <summary>The inner name: the original file name when the format records one.</summary>
    private protected virtual string InnerName(Stream content) => "content";

    public void Inspect(Stream content, string member, ModelScan scan) =>
        ArchiveSupport.Guard(scan, member, Name, () =>
        {
            if (ArchiveSupport.TooDeep(scan, member)) return;
            var path = ArchiveSupport.Join(member, InnerName(content));
            content.Position = 0;
            var counting = new CountingStream(new SubStream(content, 0, content.Length));
            using var inner = new LazyMemberStream(Decompress(counting, content), () => counting.BytesRead, -1, scan, path, new ArchiveBudget(scan, member), EndCheck(content));
            scan.Nested(inner, path);
        });
}

public sealed class GzipFormat : CompressedStreamFormat
{
    public override string Name => "gzip";

    public override bool Recognizes(ReadOnlySpan<byte> head, long length) => head.Length >= 3 && head[0] == 0x1F && head[1] == 0x8B && head[2] == 8;

    private protected override Stream Decompress(Stream compressed, Stream content) => new GZipStream(compressed, CompressionMode.Decompress);

    /// <summary>
    /// The trailer's ISIZE (size mod 2^32 of the last member) must be covered: GZipStream ends silently on truncation,
    /// whose last four bytes are then compressed data, almost always a number above what was decompressed. Several
    /// concatenated members (which GZipStream reads as one) decompress to more than the last one declares.
    /// </summary>
    private protected override Func<long, string?>? EndCheck(Stream content)
    {
        Span<byte> trailer = stackalloc byte[4];
        if (content.Length < 18 || ArchiveSupport.ReadAt(content, content.Length - 4, trailer) < 4) return _ => "no gzip trailer";
        var isize = ArchiveSupport.U32(trailer, 0);
        return size => (uint)size == isize || size > isize ? null : $"decompressed to {size} bytes, the gzip trailer declares {isize}";
    }

    private protected override string InnerName(Stream content)
    {
        Span<byte> head = stackalloc byte[1024];
        var n = ArchiveSupport.ReadAt(content, 0, head);
        if (n < 10 || (head[3] & 0x08) == 0) return "content";
        var p = 10;
        if ((head[3] & 0x04) != 0)
        {
            if (n < 12) return "content";
            p += 2 + ArchiveSupport.U16(head, 10);
        }
        if (p >= n) return "content";
        var end = head[p..n].IndexOf((byte)0);
        if (end <= 0) return "content";
        var name = Encoding.Latin1.GetString(head.Slice(p, end));
        return name.Replace('/', '_');
    }
}

public sealed class Bzip2Format : CompressedStreamFormat
{
    public override string Name => "bzip2";

    public override bool Recognizes(ReadOnlySpan<byte> head, long length) =>
        head.Length >= 10 && head.StartsWith("BZh"u8) && head[3] is >= (byte)'1' and <= (byte)'9'
        && (head[4..10].SequenceEqual((ReadOnlySpan<byte>)[0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || head[4..10].SequenceEqual((ReadOnlySpan<byte>)[0x17, 0x72, 0x45, 0x38, 0x50, 0x90]));

    private protected override Stream Decompress(Stream compressed, Stream content) =>
        BZip2Stream.Create(compressed, SharpCompressionMode.Decompress, decompressConcatenated: true, leaveOpen: false, tolerateTruncatedStream: false);
}

public sealed class XzFormat : CompressedStreamFormat
{
    public override string Name => "xz";

    public override bool Recognizes(ReadOnlySpan<byte> head, long length) => head.StartsWith((ReadOnlySpan<byte>)[0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00]);

    private protected override Stream Decompress(Stream compressed, Stream content) => new XZStream(compressed);
}

/// <summary>Raw <c>.lzma</c> ("LZMA alone", what joblib's <c>compress='lzma'</c> writes): 5 property bytes, an 8-byte size, the stream.</summary>
public sealed class LzmaFormat : CompressedStreamFormat
{
    private const int HeaderBytes = 13;

    public override string Name => "lzma";

    public override bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        if (head.Length < HeaderBytes || head[0] != 0x5D) return false;
        var dictionary = ArchiveSupport.U32(head, 1);
        if (dictionary < 4096 || dictionary > 1u << 30) return false;
        var size = ArchiveSupport.U64(head, 5);
        return size == ulong.MaxValue || size < 1UL << 40;
    }

    private protected override Stream Decompress(Stream compressed, Stream content)
    {
        var header = new byte[HeaderBytes];
        ArchiveSupport.ReadAtMost(compressed, header);
        var size = (long)ArchiveSupport.U64(header, 5);
        return LzmaStream.Create(header[..5], compressed, content.Length - HeaderBytes, size < 0 ? -1 : size, leaveOpen: false);
    }
}
