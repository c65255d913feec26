using Bulwark.Models;
using System.IO.Compression;
using Bulwark.Models.Archives;

namespace Bulwark.Models.Frameworks;

/// <summary>
/// Compressed joblib dumps. An uncompressed joblib file is a pickle (numpy arrays written between its opcodes) and is
/// recognised as one by the pickle format. Compressed ones: joblib's own zlib format (<c>ZF</c> + a hex length, then a
/// zlib stream, joblib &lt; 0.10) and bare zlib streams (<c>compress=('zlib', n)</c>) are decompressed (bounded) and
/// walked as pickles; gzip, bz2, xz and lzma compression are the generic compressed formats'; lz4 cannot be
/// decompressed here and is reported as an error, never passed as clean.
/// </summary>
public sealed class JoblibFormat : IModelFormat
{
    // joblib's _ZFILE_PREFIX, then hex(length).ljust(19).
    private const int ZfHeaderBytes = 2 + 19;

    private static ReadOnlySpan<byte> Lz4Magic => [0x04, 0x22, 0x4D, 0x18];

    public string Name => "joblib";

    public bool Recognizes(ReadOnlySpan<byte> head, long length) =>
        head.StartsWith("ZF0x"u8) || IsZlibHeader(head) || head.StartsWith(Lz4Magic);

    /// <summary>A zlib header: deflate with a 32 KiB window or less, FCHECK valid, no preset dictionary.</summary>
    internal static bool IsZlibHeader(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && head[0] == 0x78 && (head[0] * 256 + head[1]) % 31 == 0 && (head[1] & 0x20) == 0;

    public void Inspect(Stream content, string member, ModelScan scan) =>
        ArchiveSupport.Guard(scan, member, Name, () => InspectDump(content, member, scan));

    private static void InspectDump(Stream content, string member, ModelScan scan)
    {
        Span<byte> head = stackalloc byte[4];
        ArchiveSupport.ReadAt(content, 0, head);
        if (head.SequenceEqual(Lz4Magic))
        {
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member,
                "LZ4-compressed content (joblib compress='lz4') cannot be decompressed here: it was not analysed.", "lz4"));
            return;
        }
        var start = head.StartsWith("ZF0x"u8) ? ZfHeaderBytes : 0;
        var compressed = new SubStream(content, start, content.Length - start);
        var counting = new CountingStream(compressed);
        using var pickle = new LazyMemberStream(new ZLibStream(counting, CompressionMode.Decompress), () => counting.BytesRead, -1, scan, member, new ArchiveBudget(scan, member));
        scan.Pickle(pickle, member);
    }
}
