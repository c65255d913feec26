using Bulwark.Models;
using System.IO.Compression;
using Bulwark.Models.Frameworks;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Deflate64;
using SharpCompress.Compressors.Xz;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace Bulwark.Models.Archives;

/// <summary>
/// Zip archives (and what is a zip under another name: <c>.npz</c>, <c>.pt</c>, <c>.bin</c>, <c>.pth</c>, <c>.keras</c>),
/// read with <see cref="ZipReader"/>. Every member goes back through <see cref="ModelScan.Nested"/>; PyTorch checkpoints
/// get the <see cref="PyTorchZipFormat"/> treatment (pickles walked, tensor storages peeked at and skipped).
/// </summary>
public sealed class ZipFormat : IModelFormat
{
    public string Name => "zip";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8) || head.StartsWith("PK\x07\x08PK\x03\x04"u8)) return true;
        // A small file whole in the head: an end record near its end makes it a zip to Python's zipfile, whatever precedes it.
        if (head.Length != length || length < 22) return false;
        var from = (int)Math.Max(0, length - 22 - 65535);
        return head[from..].IndexOf("PK\x05\x06"u8) >= 0;
    }

    public void Inspect(Stream content, string member, ModelScan scan) =>
        ArchiveSupport.Guard(scan, member, Name, () => ZipInspector.Inspect(content, member, scan));
}

/// <summary>The member-by-member inspection shared by <see cref="ZipFormat"/> and <see cref="PyTorchZipFormat"/>.</summary>
internal static class ZipInspector
{
    private const long CrcCheckMaxBytes = 16L << 20;

    public static void Inspect(Stream s, string member, ModelScan scan)
    {
        var listing = ZipReader.Read(s, scan.Limits, scan.CancellationToken);
        foreach (var problem in listing.Problems)
        {
            scan.Report(new ModelIssue(ModelRuleIds.ArchiveCorrupt, ModelVerdict.Error, member, $"Zip structure: {problem}."));
        }
        if (listing.EntryLimitHit)
        {
            scan.Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, member,
                $"The zip has more than {scan.Limits.MaxEntries} members; the rest were not scanned.", "MaxEntries"));
        }
        if (listing.Members.Count == 0 || ArchiveSupport.TooDeep(scan, member)) return;

        var torch = TorchLayout.Detect(listing.Members.Select(m => m.Name));
        var budget = new ArchiveBudget(scan, member);
        var code = torch.IsTorchScript ? new TorchScriptCodeCollector() : null;
        foreach (var m in listing.Members)
        {
            scan.CancellationToken.ThrowIfCancellationRequested();
            if (budget.Exhausted) break;
            InspectMember(s, member, scan, m, torch, budget, code);
        }
        code?.Report(scan);
    }

    private static void InspectMember(Stream s, string parent, ModelScan scan, ZipMember m, TorchLayout torch, ArchiveBudget budget, TorchScriptCodeCollector? code)
    {
        var path = ArchiveSupport.Join(parent, m.Name);
        if (m.Local is null)
        {
            scan.Report(new ModelIssue(ModelRuleIds.ArchiveCorrupt, ModelVerdict.Error, path,
                "The central directory points at no local header: the member cannot be read."));
            return;
        }
        var c = m.Central;
        var local = m.Local;
        var anomalies = new List<string>();
        if (c is null) anomalies.Add("hidden from the central directory (only a local header names it)");
        else
        {
            if (c.Name != local.Name) anomalies.Add($"the local header names it '{local.Name}', the central directory '{c.Name}'");
            if (c.Method != local.Method) anomalies.Add($"compression method {local.Method} in the local header, {c.Method} in the central directory");
            if ((local.Flags & 0x8) == 0 && (c.CompressedSize != local.CompressedSize || c.UncompressedSize != local.UncompressedSize))
            {
                anomalies.Add("sizes in the local header disagree with the central directory");
            }
        }
        var flags = (ushort)(local.Flags | (c?.Flags ?? 0));
        var encrypted = (flags & 0x41) != 0;
        if (encrypted) anomalies.Add("marked encrypted");
        if ((flags & 0x20) != 0) anomalies.Add("marked as compressed patch data");

        var method = c?.Method ?? local.Method;
        var csize = c?.CompressedSize ?? local.CompressedSize;
        var usize = c?.UncompressedSize ?? local.UncompressedSize;
        if (m.Name.EndsWith('/') && csize == 0) return; // a directory
        csize = Math.Min(csize, Math.Max(0, s.Length - local.DataStart));

        var sizeKnown = c is not null || (local.Flags & 0x8) == 0;
        var content = Open(s, local.DataStart, csize, sizeKnown ? usize : -1, method, scan, path, budget);
        if (content is null)
        {
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, path,
                $"Compression method {method} is not supported: the member could not be analysed.", $"method {method}"));
            return;
        }
        using (content)
        {
            Span<byte> head = stackalloc byte[ArchiveSupport.PeekBytes];
            var peeked = ArchiveSupport.ReadAt(content, 0, head);
            var kind = ArchiveSupport.Sniff(head[..peeked]);
            if (encrypted && kind == ContentKind.Data)
            {
                // Really encrypted (or nothing recognisable): not malicious by itself, but unreadable.
                scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, path,
                    "The member is encrypted: its content cannot be analysed.", "encrypted"));
                return;
            }
            if (anomalies.Count > 0)
            {
                scan.Report(new ModelIssue(ModelRuleIds.ArchiveEvasion, kind == ContentKind.Data ? ModelVerdict.Suspicious : ModelVerdict.Malicious, path,
                    kind == ContentKind.Data
                        ? "The zip structure of this member is inconsistent in a way loaders tolerate and scanners may not."
                        : "A member that holds a pickle or an archive is disguised in the zip structure (a known scanner bypass).",
                    string.Join("; ", anomalies)));
            }

            content.Position = 0;
            if (torch.IsTorch && torch.IsStorage(m.Name) && kind == ContentKind.Data) return; // tensor bytes: one small read
            if (torch.IsTorch && code is not null && TorchLayout.IsCode(m.Name))
            {
                code.Add(path, content);
            }
            else if (torch.IsTorch && (m.Name.EndsWith(".pkl", StringComparison.Ordinal) || m.Name.EndsWith(".debug_pkl", StringComparison.Ordinal)))
            {
                scan.Pickle(content, path);
            }
            else
            {
                scan.Nested(content, path);
            }

            if (kind != ContentKind.Data && usize <= CrcCheckMaxBytes)
            {
                CheckCrc(content, c?.Crc ?? local.Crc, scan, path);
            }
        }
    }

    private static Stream? Open(Stream s, long start, long csize, long usize, ushort method, ModelScan scan, string path, ArchiveBudget budget)
    {
        if (method == 0)
        {
            if (!budget.Add(Math.Min(csize, ArchiveSupport.PeekBytes))) return new MemoryStream();
            return new SubStream(s, start, Math.Min(csize, scan.Limits.MaxMemberBytes));
        }
        var counting = new CountingStream(new SubStream(s, start, csize));
        Stream? decoder = method switch
        {
            8 => new DeflateStream(counting, CompressionMode.Decompress),
            9 => new Deflate64Stream(counting, SharpCompressionMode.Decompress),
            12 => BZip2Stream.Create(counting, SharpCompressionMode.Decompress, false, false, true),
            95 => new XZStream(counting),
            _ => null,
        };
        return decoder is null ? null : new LazyMemberStream(decoder, () => counting.BytesRead, usize, scan, path, budget,
            size => usize < 0 || size == usize ? null : $"decompressed to {size} bytes, the zip headers declare {usize}");
    }

    private static void CheckCrc(Stream content, uint declared, ModelScan scan, string path)
    {
        uint actual;
        if (content is LazyMemberStream lazy)
        {
            lazy.Drain();
            if (!lazy.Complete) return;
            actual = lazy.Crc;
        }
        else
        {
            var crc = new Crc32();
            var buffer = new byte[81920];
            content.Position = 0;
            int n;
            while ((n = content.Read(buffer)) > 0) crc.Append(buffer.AsSpan(0, n));
            actual = crc.Value;
        }
        if (actual == declared) return;
        scan.Report(new ModelIssue(ModelRuleIds.ArchiveEvasion, ModelVerdict.Malicious, path,
            "The member's CRC-32 does not match its content: loaders that ignore the CRC still load it, scanners that verify it skip it (a known bypass).",
            $"crc declared {declared:x8}, content {actual:x8}"));
    }
}
