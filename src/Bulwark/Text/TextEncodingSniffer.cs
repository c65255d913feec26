using System.Text;

namespace Bulwark.Text;

public enum SniffedKind
{
    Text,
    Binary,
}

/// <summary>What the first bytes of a file say about it: the text encoding, or that it is binary.</summary>
public sealed record SniffResult(SniffedKind Kind, Encoding Encoding, int BomLength);

/// <summary>
/// Detects UTF-8, UTF-16 and UTF-32 (by byte-order mark, or UTF-16 without one by its zero bytes) and binary
/// content (NUL bytes that are not UTF-16), from the first bytes of a file.
/// </summary>
public static class TextEncodingSniffer
{
    public const int SniffBytes = 8192;

    public static SniffResult Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return new(SniffedKind.Text, Encoding.UTF8, 3);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00])) return new(SniffedKind.Text, new UTF32Encoding(false, false), 4);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])) return new(SniffedKind.Text, new UTF32Encoding(true, false), 4);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return new(SniffedKind.Text, Encoding.Unicode, 2);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return new(SniffedKind.Text, Encoding.BigEndianUnicode, 2);

        var sample = head[..Math.Min(head.Length, SniffBytes)];
        if (!sample.Contains((byte)0)) return new(SniffedKind.Text, Encoding.UTF8, 0);

        // UTF-16 text without a BOM: mostly-ASCII content leaves zeros in every other byte.
        int evenZeros = 0, oddZeros = 0;
        for (var i = 0; i < sample.Length; i++)
        {
            if (sample[i] != 0) continue;
            if (i % 2 == 0) evenZeros++;
            else oddZeros++;
        }
        var pairs = Math.Max(1, sample.Length / 2);
        if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return new(SniffedKind.Text, Encoding.Unicode, 0);
        if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return new(SniffedKind.Text, Encoding.BigEndianUnicode, 0);
        return new(SniffedKind.Binary, Encoding.UTF8, 0);
    }
}
