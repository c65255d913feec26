namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// Room for the values a parser must decode (a Zeek <c>\x09</c> escape, a CSV <c>""</c>, a JSON <c>\u00fc</c>) so the
/// record can point at them. Cleared per line, grown only when a line needs more than any before it, so a file costs
/// at most one buffer of its longest line. A full buffer is replaced, not overwritten: spans already handed out for
/// this line keep the old one alive.
/// </summary>
internal sealed class ScratchBuffer
{
    private byte[] bytes = [];
    private int used;

    public void Clear() => used = 0;

    /// <summary>Up to <paramref name="length"/> bytes; <see cref="Keep"/> says how many were written.</summary>
    public Span<byte> Take(int length)
    {
        if (bytes.Length - used < length)
        {
            bytes = new byte[Math.Max(length, Math.Max(4096, bytes.Length * 2))];
            used = 0;
        }
        return bytes.AsSpan(used, length);
    }

    /// <summary>Keeps the first <paramref name="length"/> bytes of the last <see cref="Take"/> and returns them.</summary>
    public ReadOnlySpan<byte> Keep(int length)
    {
        var kept = bytes.AsSpan(used, length);
        used += length;
        return kept;
    }
}
