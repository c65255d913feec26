using System.Text;

namespace Bulwark.Models.Archives;

/// <summary>A member as a local header describes it.</summary>
internal sealed record ZipLocalHeader(long Offset, ushort Flags, ushort Method, uint Crc, long CompressedSize, long UncompressedSize, string Name, long DataStart);

/// <summary>A member as the central directory describes it (offset already corrected for prepended data).</summary>
internal sealed record ZipCentralEntry(ushort Flags, ushort Method, uint Crc, long CompressedSize, long UncompressedSize, string Name, long LocalOffset);

/// <summary>One member: its central entry and/or local header (either may be missing — both are findings).</summary>
internal sealed record ZipMember(ZipCentralEntry? Central, ZipLocalHeader? Local)
{
    public string Name => Central?.Name ?? Local!.Name;
}

/// <summary>The members of a zip and what was wrong with its structure.</summary>
internal sealed record ZipListing(IReadOnlyList<ZipMember> Members, IReadOnlyList<string> Problems, bool EntryLimitHit);

/// <summary>
/// A lenient, bounded zip reader. Unlike <c>ZipArchive</c> it opens what loaders open (Python's zipfile and torch's
/// miniz read through wrong CRCs, odd flags and prepended data), and it reads both the central directory and the chain
/// of local headers, so a member hidden from the directory, or one whose local header disagrees with it, is seen.
/// Only headers are read here: no member data.
/// </summary>
internal static class ZipReader
{
    private const uint LocalSig = 0x04034b50;
    private const uint CentralSig = 0x02014b50;
    private const uint EndSig = 0x06054b50;
    private const uint End64Sig = 0x06064b50;
    private const uint End64LocatorSig = 0x07064b50;
    private const uint DescriptorSig = 0x08074b50;
    private const int MaxCentralDirectoryBytes = 256 << 20;

    public static ZipListing Read(Stream s, ModelScanLimits limits, CancellationToken cancel)
    {
        var problems = new List<string>();
        var limitHit = false;
        var length = s.Length;
        var central = ReadCentral(s, limits, problems, ref limitHit, out var bias);

        var locals = new Dictionary<long, ZipLocalHeader>();
        var centralSizes = new Dictionary<long, ZipCentralEntry>();
        foreach (var c in central) centralSizes.TryAdd(c.LocalOffset, c);

        // The chain of local headers, from the first (after any prepended data).
        var pos = bias > 0 && ReadU32At(s, 0) != LocalSig ? bias : 0;
        var walked = 0;
        while (pos >= 0 && pos + 30 <= length && walked < limits.MaxEntries + 1)
        {
            cancel.ThrowIfCancellationRequested();
            var local = ReadLocal(s, pos);
            if (local is null) break;
            walked++;
            if (walked > limits.MaxEntries)
            {
                limitHit = true;
                break;
            }
            locals.TryAdd(pos, local);
            var size = local.CompressedSize;
            if (centralSizes.TryGetValue(pos, out var c) && (local.Flags & 0x8) != 0) size = c.CompressedSize;
            long next;
            if ((local.Flags & 0x8) != 0 && size == 0 && c is null)
            {
                // A data descriptor and no directory entry: the data ends where the next signature starts.
                next = FindNextSignature(s, local.DataStart, Math.Min(length, local.DataStart + limits.MaxMemberBytes), cancel);
                if (next < 0) break;
                locals[pos] = local with { CompressedSize = next - local.DataStart };
                if (ReadU32At(s, next) == DescriptorSig) next += 16;
            }
            else
            {
                next = local.DataStart + size;
                if ((local.Flags & 0x8) != 0) next += ReadU32At(s, next) == DescriptorSig ? 16 : 12;
            }
            if (next <= pos) break;
            pos = next;
        }

        // Local headers the directory points at that the chain did not reach (overlapping or out-of-order members).
        foreach (var c in central)
        {
            if (locals.ContainsKey(c.LocalOffset)) continue;
            var local = ReadLocal(s, c.LocalOffset);
            if (local is not null) locals[c.LocalOffset] = local;
        }

        var members = new List<ZipMember>();
        var referenced = new HashSet<long>();
        foreach (var c in central)
        {
            referenced.Add(c.LocalOffset);
            members.Add(new ZipMember(c, locals.GetValueOrDefault(c.LocalOffset)));
        }
        foreach (var (offset, local) in locals.OrderBy(kv => kv.Key))
        {
            if (!referenced.Contains(offset)) members.Add(new ZipMember(null, local));
        }
        return new ZipListing(members, problems, limitHit);
    }

    private static List<ZipCentralEntry> ReadCentral(Stream s, ModelScanLimits limits, List<string> problems, ref bool limitHit, out long bias)
    {
        bias = 0;
        var entries = new List<ZipCentralEntry>();
        var length = s.Length;
        // The end record is usually the last 22 bytes: look in the last KiB first, the whole comment range only if needed.
        var tailLength = 0;
        var tail = Array.Empty<byte>();
        var eocd = -1;
        foreach (var window in (long[])[1024 + 22, 22 + 65535])
        {
            tailLength = (int)Math.Min(length, window);
            tail = new byte[tailLength];
            var got = ArchiveSupport.ReadAt(s, length - tailLength, tail);
            for (var i = got - 22; i >= 0; i--)
            {
                if (ArchiveSupport.U32(tail, i) == EndSig)
                {
                    eocd = i;
                    break;
                }
            }
            if (eocd >= 0 || tailLength == length) break;
        }
        if (eocd < 0)
        {
            problems.Add("no end-of-central-directory record (truncated or corrupted zip)");
            return entries;
        }
        var eocdPos = length - tailLength + eocd;
        long count = ArchiveSupport.U16(tail, eocd + 10);
        long cdSize = ArchiveSupport.U32(tail, eocd + 12);
        long cdOffset = ArchiveSupport.U32(tail, eocd + 16);
        var recordPos = eocdPos;
        if (eocdPos >= 20)
        {
            Span<byte> loc = stackalloc byte[20];
            if (ArchiveSupport.ReadAt(s, eocdPos - 20, loc) == 20 && ArchiveSupport.U32(loc, 0) == End64LocatorSig)
            {
                var z64 = (long)Math.Min(ArchiveSupport.U64(loc, 8), (ulong)long.MaxValue);
                Span<byte> rec = stackalloc byte[56];
                if (ArchiveSupport.ReadAt(s, z64, rec) == 56 && ArchiveSupport.U32(rec, 0) == End64Sig)
                {
                    count = (long)Math.Min(ArchiveSupport.U64(rec, 32), int.MaxValue);
                    cdSize = (long)Math.Min(ArchiveSupport.U64(rec, 40), (ulong)long.MaxValue);
                    cdOffset = (long)Math.Min(ArchiveSupport.U64(rec, 48), (ulong)long.MaxValue);
                    recordPos = z64;
                }
                else
                {
                    problems.Add("zip64 end-of-central-directory locator points at no zip64 record");
                }
            }
        }

        // Data prepended to the archive shifts every offset (Python's zipfile corrects for it the same way).
        var cdStart = recordPos - cdSize;
        if (cdStart < 0 || cdSize < 0)
        {
            problems.Add("central directory size larger than the file");
            return entries;
        }
        bias = cdStart - cdOffset;
        if (bias < 0) bias = 0;
        if (ReadU32At(s, cdStart) != CentralSig && count > 0)
        {
            if (ReadU32At(s, cdOffset) == CentralSig)
            {
                cdStart = cdOffset;
                bias = 0;
            }
            else
            {
                problems.Add("corrupted central directory (no entry where the end record points)");
                return entries;
            }
        }

        var buffer = new byte[(int)Math.Min(Math.Min(cdSize, length - cdStart), MaxCentralDirectoryBytes)];
        var n = ArchiveSupport.ReadAt(s, cdStart, buffer);
        var b = buffer.AsSpan(0, n);
        var p = 0;
        while (p + 46 <= b.Length && ArchiveSupport.U32(b, p) == CentralSig)
        {
            if (entries.Count >= limits.MaxEntries)
            {
                limitHit = true;
                break;
            }
            var flags = ArchiveSupport.U16(b, p + 8);
            var method = ArchiveSupport.U16(b, p + 10);
            var crc = ArchiveSupport.U32(b, p + 16);
            long csize = ArchiveSupport.U32(b, p + 20);
            long usize = ArchiveSupport.U32(b, p + 24);
            int nameLen = ArchiveSupport.U16(b, p + 28);
            int extraLen = ArchiveSupport.U16(b, p + 30);
            int commentLen = ArchiveSupport.U16(b, p + 32);
            long offset = ArchiveSupport.U32(b, p + 42);
            if (p + 46 + nameLen + extraLen > b.Length)
            {
                problems.Add("central directory entry runs past the directory");
                break;
            }
            var name = Encoding.UTF8.GetString(b.Slice(p + 46, nameLen));
            ApplyZip64(b.Slice(p + 46 + nameLen, extraLen), ref usize, ref csize, ref offset);
            entries.Add(new ZipCentralEntry(flags, method, crc, csize, usize, name, offset + bias));
            p += 46 + nameLen + extraLen + commentLen;
        }
        if (entries.Count != count && !limitHit)
        {
            problems.Add($"the end record declares {count} entries, the central directory holds {entries.Count}");
        }
        return entries;
    }

    private static void ApplyZip64(ReadOnlySpan<byte> extra, ref long usize, ref long csize, ref long offset)
    {
        var p = 0;
        while (p + 4 <= extra.Length)
        {
            var id = ArchiveSupport.U16(extra, p);
            int len = ArchiveSupport.U16(extra, p + 2);
            if (p + 4 + len > extra.Length) return;
            if (id == 0x0001)
            {
                var field = extra.Slice(p + 4, len);
                var q = 0;
                if (usize == 0xFFFFFFFF && q + 8 <= field.Length) { usize = Clamp(ArchiveSupport.U64(field, q)); q += 8; }
                if (csize == 0xFFFFFFFF && q + 8 <= field.Length) { csize = Clamp(ArchiveSupport.U64(field, q)); q += 8; }
                if (offset == 0xFFFFFFFF && q + 8 <= field.Length) offset = Clamp(ArchiveSupport.U64(field, q));
                return;
            }
            p += 4 + len;
        }
    }

    private static long Clamp(ulong v) => (long)Math.Min(v, (ulong)long.MaxValue / 2);

    private static ZipLocalHeader? ReadLocal(Stream s, long pos)
    {
        Span<byte> h = stackalloc byte[30];
        if (ArchiveSupport.ReadAt(s, pos, h) < 30 || ArchiveSupport.U32(h, 0) != LocalSig) return null;
        var flags = ArchiveSupport.U16(h, 6);
        var method = ArchiveSupport.U16(h, 8);
        var crc = ArchiveSupport.U32(h, 14);
        long csize = ArchiveSupport.U32(h, 18);
        long usize = ArchiveSupport.U32(h, 22);
        int nameLen = ArchiveSupport.U16(h, 26);
        int extraLen = ArchiveSupport.U16(h, 28);
        var ne = new byte[nameLen + extraLen];
        if (ArchiveSupport.ReadAt(s, pos + 30, ne) < ne.Length) return null;
        var name = Encoding.UTF8.GetString(ne, 0, nameLen);
        long ignored = 0;
        ApplyZip64(ne.AsSpan(nameLen), ref usize, ref csize, ref ignored);
        return new ZipLocalHeader(pos, flags, method, crc, csize, usize, name, pos + 30 + nameLen + extraLen);
    }

    private static uint ReadU32At(Stream s, long pos)
    {
        Span<byte> b = stackalloc byte[4];
        return ArchiveSupport.ReadAt(s, pos, b) == 4 ? ArchiveSupport.U32(b, 0) : 0;
    }

    /// <summary>The offset of the next data-descriptor, local or central signature at or after <paramref name="from"/>; -1 if none before <paramref name="end"/>.</summary>
    private static long FindNextSignature(Stream s, long from, long end, CancellationToken cancel)
    {
        var buffer = new byte[65536];
        var pos = from;
        while (pos < end)
        {
            cancel.ThrowIfCancellationRequested();
            var n = ArchiveSupport.ReadAt(s, pos, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - pos)));
            if (n < 4) return -1;
            for (var i = 0; i + 4 <= n; i++)
            {
                if (buffer[i] != (byte)'P' || buffer[i + 1] != (byte)'K') continue;
                var sig = ArchiveSupport.U32(buffer, i);
                if (sig is DescriptorSig or LocalSig or CentralSig) return pos + i;
            }
            pos += n - 3;
        }
        return -1;
    }

    /// <summary>Names of the local headers that fit in <paramref name="head"/> (for recognition from the first bytes).</summary>
    public static IEnumerable<string> LocalNamesInHead(byte[] head)
    {
        var pos = 0;
        for (var i = 0; i < 64 && pos + 30 <= head.Length && ArchiveSupport.U32(head, pos) == LocalSig; i++)
        {
            int nameLen = ArchiveSupport.U16(head, pos + 26);
            int extraLen = ArchiveSupport.U16(head, pos + 28);
            if (pos + 30 + nameLen > head.Length) yield break;
            yield return Encoding.UTF8.GetString(head, pos + 30, nameLen);
            long csize = ArchiveSupport.U32(head, pos + 18);
            if ((ArchiveSupport.U16(head, pos + 6) & 0x8) != 0 && csize == 0) yield break;
            var next = pos + 30L + nameLen + extraLen + csize;
            if (next > head.Length) yield break;
            pos = (int)next;
        }
    }
}
