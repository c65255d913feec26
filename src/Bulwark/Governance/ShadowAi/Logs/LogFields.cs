using System.Runtime.CompilerServices;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>Allocation-free pieces every parser uses: byte counts and the host inside a URL or an authority.</summary>
internal static class LogFields
{
    /// <summary>A byte count: up to 18 digits (no sign, no overflow); <c>-</c> or nothing is -1, "unknown".</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseCount(ReadOnlySpan<byte> text, out long value)
    {
        value = -1;
        if (text.IsEmpty || (text.Length == 1 && text[0] == '-')) return true;
        if (text.Length > 18) return false;
        long result = 0;
        foreach (var b in text)
        {
            if ((uint)(b - '0') > 9) return false;
            result = (result * 10) + (b - '0');
        }
        value = result;
        return true;
    }

    /// <summary>The host of <c>scheme://user@host:port/path</c>, or of a bare authority (<c>host:443</c>, as
    /// CONNECT logs it, or a Host header); empty when there is none or the port is not a number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<byte> HostOf(ReadOnlySpan<byte> urlOrAuthority)
    {
        var scheme = urlOrAuthority.IndexOf("://"u8);
        var authority = scheme >= 0 ? urlOrAuthority[(scheme + 3)..] : urlOrAuthority;
        var end = authority.IndexOfAny("/?#"u8);
        if (end >= 0) authority = authority[..end];
        return HostOfAuthority(authority);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<byte> HostOfAuthority(ReadOnlySpan<byte> authority)
    {
        var at = authority.LastIndexOf((byte)'@');
        if (at >= 0) authority = authority[(at + 1)..];
        if (!authority.IsEmpty && authority[0] == '[')
        {
            // An IPv6 literal: [2001:db8::1]:443.
            var close = authority.IndexOf((byte)']');
            if (close < 0) return default;
            var after = authority[(close + 1)..];
            return after.IsEmpty || (after[0] == ':' && IsPort(after[1..])) ? authority[1..close] : default;
        }
        var colon = authority.IndexOf((byte)':');
        if (colon < 0) return authority;
        if (authority.LastIndexOf((byte)':') != colon) return authority; // a bare IPv6 address, no port to strip
        return IsPort(authority[(colon + 1)..]) ? authority[..colon] : default;
    }

    private static bool IsPort(ReadOnlySpan<byte> text) =>
        !text.IsEmpty && text.Length <= 5 && !text.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    /// <summary>Removes the spaces around a CSV cell or a header name.</summary>
    public static ReadOnlySpan<byte> TrimSpaces(ReadOnlySpan<byte> text)
    {
        var start = 0;
        while (start < text.Length && text[start] == ' ') start++;
        var end = text.Length;
        while (end > start && text[end - 1] == ' ') end--;
        return text[start..end];
    }
}
