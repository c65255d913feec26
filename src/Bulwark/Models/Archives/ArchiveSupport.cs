using Bulwark.Models;
using System.Buffers.Binary;

namespace Bulwark.Models.Archives;

/// <summary>Helpers shared by the container formats: guarded inspection, member naming, content sniffing.</summary>
internal static class ArchiveSupport
{
    /// <summary>Bytes peeked at the start of a member to decide whether it can hold code.</summary>
    public const int PeekBytes = 64;

    /// <summary>Decompressed bytes a member may reach before the ratio check applies (small members of zeros are fine).</summary>
    public const long RatioSlackBytes = 1L << 20;

    public static string Join(string parent, string child) =>
        string.IsNullOrEmpty(parent) ? child : parent + "/" + child;

    /// <summary>
    /// Runs one format's inspection so that a hostile file never escapes as an exception: anything but cancellation
    /// becomes a <c>BW-MODEL-FORMAT-ERROR</c> naming the format.
    /// </summary>
    public static void Guard(ModelScan scan, string member, string format, Action inspect)
    {
        try
        {
            inspect();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
#pragma warning disable CA1031 // a malformed file must become an issue, whatever the parser threw
        catch (Exception e)
#pragma warning restore CA1031
        {
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member,
                $"The {format} content could not be fully analysed: {e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>Whether descending into this container's members would pass the depth limit (reported once here).</summary>
    public static bool TooDeep(ModelScan scan, string member)
    {
        if (scan.Depth < scan.Limits.MaxDepth) return false;
        scan.Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, member,
            $"Archive nesting reaches the depth limit ({scan.Limits.MaxDepth}); its members were not scanned.", "MaxDepth"));
        return true;
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes (fewer only at the end of the stream).</summary>
    public static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n <= 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/> of a seekable stream, or fewer at its end.</summary>
    public static int ReadAt(Stream stream, long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= stream.Length) return 0;
        stream.Position = offset;
        return ReadAtMost(stream, buffer);
    }

    /// <summary><c>\x93NUMPY</c>.</summary>
    public static ReadOnlySpan<byte> NumpyMagic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The HDF5 superblock signature, <c>\x89HDF\r\n\x1a\n</c> (Keras .h5 files).</summary>
    public static ReadOnlySpan<byte> Hdf5Magic => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>What the first bytes of some content look like, as far as code on load is concerned.</summary>
    public static ContentKind Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0) return ContentKind.Data;
        if (head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5) return ContentKind.Pickle;
        if (LooksLikeGlobalOpcode(head)) return ContentKind.Pickle;
        if (IsArchiveMagic(head)) return ContentKind.Archive;
        if (head.StartsWith(NumpyMagic)) return ContentKind.Archive;
        return ContentKind.Data;
    }

    /// <summary>A protocol 0/1 pickle starting with <c>c module\nname\n</c> (GLOBAL) or <c>(c…</c>/<c>(i…</c>.</summary>
    private static bool LooksLikeGlobalOpcode(ReadOnlySpan<byte> head)
    {
        var i = 0;
        while (i < head.Length && i < 4 && head[i] is (byte)'(' or (byte)'}' or (byte)']' or (byte)')') i++;
        if (i >= head.Length || head[i] is not ((byte)'c' or (byte)'i')) return false;
        i++;
        var start = i;
        while (i < head.Length && (char.IsAsciiLetterOrDigit((char)head[i]) || head[i] is (byte)'_' or (byte)'.')) i++;
        return i > start && i < head.Length && head[i] == (byte)'\n'
            && (char.IsAsciiLetter((char)head[start]) || head[start] == (byte)'_');
    }

    public static bool IsArchiveMagic(ReadOnlySpan<byte> head) =>
        head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)
        || head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])
        || (head.Length >= 4 && head.StartsWith("BZh"u8) && head[3] is >= (byte)'1' and <= (byte)'9')
        || head.StartsWith((ReadOnlySpan<byte>)[0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00])
        || head.StartsWith((ReadOnlySpan<byte>)[(byte)'7', (byte)'z', 0xBC, 0xAF, 0x27, 0x1C])
        || (head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8))
        || head.StartsWith("ZF0x"u8);

    public static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);

    public static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    public static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
}

internal enum ContentKind
{
    /// <summary>Nothing known: tensor bytes, text, an unknown format.</summary>
    Data,
    Pickle,
    Archive,
}

/// <summary>Per-container totals: decompressed bytes across members, checked against <see cref="ModelScanLimits.MaxTotalBytes"/>.</summary>
internal sealed class ArchiveBudget(ModelScan scan, string member)
{
    private bool _reported;

    public long TotalBytes { get; private set; }

    /// <summary>Adds decompressed bytes; false (reported once) when the total passes the limit.</summary>
    public bool Add(long bytes)
    {
        TotalBytes += bytes;
        if (TotalBytes <= scan.Limits.MaxTotalBytes) return true;
        if (!_reported)
        {
            _reported = true;
            scan.Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, member,
                $"Members decompress to more than the total limit ({scan.Limits.MaxTotalBytes} bytes); the rest was not scanned.", "MaxTotalBytes"));
        }
        return false;
    }

    public bool Exhausted => TotalBytes > scan.Limits.MaxTotalBytes;
}

/// <summary>CRC-32 (IEEE, as zip uses it).</summary>
internal struct Crc32
{
    private static readonly uint[] Table = BuildTable();
    private uint _value;

    public Crc32() => _value = 0xFFFFFFFF;

    public readonly uint Value => ~_value;

    public void Append(ReadOnlySpan<byte> data)
    {
        var c = _value;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        _value = c;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
