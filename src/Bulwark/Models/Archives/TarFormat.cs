using Bulwark.Models;
using System.Text;

namespace Bulwark.Models.Archives;

/// <summary>
/// Tar archives (v7, ustar, pax and GNU long names), read with a bounded parser of our own: member data is never
/// copied (each member is a window onto the file), a bad header checksum or a member running past the end reports
/// <c>BW-MODEL-ARCHIVE-CORRUPT</c> and keeps what came before. A legacy PyTorch tar (<c>sys_info</c>, <c>pickle</c>,
/// <c>tensors</c>, <c>storages</c>) has those members walked as pickles.
/// </summary>
public sealed class TarFormat : IModelFormat
{
    private const int Block = 512;
    private const int MaxNameRecordBytes = 1 << 20;
    private static readonly string[] LegacyTorchMembers = ["sys_info", "pickle", "tensors", "storages"];

    public string Name => "tar";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        if (head.Length < Block) return false;
        if (head[257..262].SequenceEqual("ustar"u8)) return true;
        return head[0] != 0 && ChecksumMatches(head[..Block]);
    }

    public void Inspect(Stream content, string member, ModelScan scan) =>
        ArchiveSupport.Guard(scan, member, Name, () => InspectTar(content, member, scan));

    private sealed record TarMember(string Name, long Start, long Size);

    private static void InspectTar(Stream s, string member, ModelScan scan)
    {
        var members = ReadMembers(s, member, scan);
        if (members.Count == 0 || ArchiveSupport.TooDeep(scan, member)) return;
        var names = members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var legacyTorch = names.Contains("sys_info") && names.Contains("pickle");
        foreach (var m in members)
        {
            scan.CancellationToken.ThrowIfCancellationRequested();
            using var data = new SubStream(s, m.Start, Math.Min(m.Size, scan.Limits.MaxMemberBytes));
            var path = ArchiveSupport.Join(member, m.Name);
            if (legacyTorch && LegacyTorchMembers.Contains(m.Name)) scan.Pickle(data, path);
            else scan.Nested(data, path);
        }
    }

    private static List<TarMember> ReadMembers(Stream s, string member, ModelScan scan)
    {
        var members = new List<TarMember>();
        var length = s.Length;
        var header = new byte[Block];
        string? longName = null;
        string? paxPath = null;
        long? paxSize = null;
        long pos = 0;
        var entries = 0;
        while (true)
        {
            scan.CancellationToken.ThrowIfCancellationRequested();
            var n = ArchiveSupport.ReadAt(s, pos, header);
            if (n == 0) break;
            if (n < Block)
            {
                Corrupt(scan, member, $"the archive ends inside a header at byte {pos}");
                break;
            }
            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0) break; // end-of-archive blocks
            if (!ChecksumMatches(header))
            {
                Corrupt(scan, member, $"bad header checksum at byte {pos}");
                break;
            }
            if (++entries > scan.Limits.MaxEntries)
            {
                scan.Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, member,
                    $"The tar has more than {scan.Limits.MaxEntries} members; the rest were not scanned.", "MaxEntries"));
                break;
            }
            var size = ParseNumber(header.AsSpan(124, 12));
            var dataStart = pos + Block;
            if (size < 0 || size > length - dataStart)
            {
                Corrupt(scan, member, $"a member declares {size} bytes, past the end of the archive (truncated)");
                size = Math.Max(0, length - dataStart);
            }
            var type = header[156];
            switch (type)
            {
                case (byte)'L':
                    longName = CString(ReadSmall(s, dataStart, size));
                    break;
                case (byte)'x':
                    ParsePax(ReadSmall(s, dataStart, size), ref paxPath, ref paxSize);
                    break;
                case (byte)'g':
                    break;
                default:
                    var name = paxPath ?? longName ?? FullName(header);
                    if (paxSize is { } ps && ps >= 0 && ps <= length - dataStart) size = ps;
                    if (type is (byte)'0' or 0 or (byte)'7' && !name.EndsWith('/')) members.Add(new TarMember(name, dataStart, size));
                    longName = paxPath = null;
                    paxSize = null;
                    break;
            }
            var next = dataStart + (size + Block - 1) / Block * Block;
            if (next <= pos) break;
            pos = next;
        }
        return members;
    }

    private static byte[] ReadSmall(Stream s, long start, long size)
    {
        var buffer = new byte[(int)Math.Min(size, MaxNameRecordBytes)];
        var n = ArchiveSupport.ReadAt(s, start, buffer);
        return n == buffer.Length ? buffer : buffer[..n];
    }

    private static void ParsePax(byte[] records, ref string? path, ref long? size)
    {
        var text = Encoding.UTF8.GetString(records);
        foreach (var line in text.Split('\n'))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (space < 0 || eq < space) continue;
            var key = line[(space + 1)..eq];
            var value = line[(eq + 1)..];
            if (key == "path") path = value;
            else if (key == "size" && long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)) size = v;
        }
    }

    private static string FullName(byte[] header)
    {
        var name = CString(header.AsSpan(0, 100));
        if (header.AsSpan(257, 5).SequenceEqual("ustar"u8))
        {
            var prefix = CString(header.AsSpan(345, 155));
            if (prefix.Length > 0) name = prefix + "/" + name;
        }
        return name;
    }

    private static string CString(ReadOnlySpan<byte> b)
    {
        var end = b.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? b : b[..end]);
    }

    /// <summary>An octal field, or GNU base-256 (high bit set); -1 when malformed.</summary>
    private static long ParseNumber(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long v = field[0] & 0x3F;
            for (var i = 1; i < field.Length; i++)
            {
                if (v > long.MaxValue >> 9) return -1;
                v = (v << 8) | field[i];
            }
            return (field[0] & 0x40) != 0 ? -1 : v;
        }
        long value = 0;
        var any = false;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ')
            {
                if (any) break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7') return -1;
            if (value > long.MaxValue >> 4) return -1;
            value = value * 8 + (b - '0');
            any = true;
        }
        return value;
    }

    private static bool ChecksumMatches(ReadOnlySpan<byte> header)
    {
        var declared = ParseNumber(header.Slice(148, 8));
        if (declared <= 0) return false;
        long sum = 0;
        for (var i = 0; i < Block; i++) sum += i is >= 148 and < 156 ? ' ' : header[i];
        return sum == declared;
    }

    private static void Corrupt(ModelScan scan, string member, string why) =>
        scan.Report(new ModelIssue(ModelRuleIds.ArchiveCorrupt, ModelVerdict.Error, member, $"Tar structure: {why}."));
}
