using System.Globalization;
using System.Text;

namespace Bulwark.Governance.ShadowAi;

/// <summary>Host-name rules shared by the catalog (normalising its names) and the matcher (its rare IDN path).</summary>
internal static class HostNames
{
    /// <summary>RFC 1035: 253 characters without the trailing dot.</summary>
    public const int MaxLength = 253;

    public const int MaxLabel = 63;

    // Longest UTF-8 input the IDN path converts: 4 bytes a character is plenty for a 253-character name.
    public const int MaxUtf8Length = 1024;

    private static readonly IdnMapping Idn = new();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A catalog name as the matcher stores it — lower case, no trailing dot, Unicode labels as punycode — or null
    /// with the reason. Names need two labels (a bare TLD would match half the internet) and must not be IP literals.
    /// </summary>
    public static string? NormalizeRule(string raw, out string? error)
    {
        var name = raw.Trim();
        if (name.EndsWith('.')) name = name[..^1];
        if (name.Length == 0) { error = "is empty"; return null; }
        if (!Ascii.IsValid(name))
        {
            var ascii = ToAscii(name);
            if (ascii is null) { error = "is not a valid internationalised domain name"; return null; }
            name = ascii;
        }
        name = name.ToLowerInvariant();
        error = Check(name);
        return error is null ? name : null;
    }

    /// <summary>Punycode (ASCII) form of a Unicode host, or null when IDNA rejects it.</summary>
    public static string? ToAscii(string unicode)
    {
        try
        {
            return Idn.GetAscii(unicode);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The ASCII form of a UTF-8 host with non-ASCII bytes, or null (invalid UTF-8 or IDNA). Allocates: rare path.</summary>
    public static byte[]? Utf8ToAscii(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxUtf8Length) return null;
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var ascii = ToAscii(text);
        return ascii is null || !Ascii.IsValid(ascii) ? null : Encoding.ASCII.GetBytes(ascii);
    }

    private static string? Check(string name)
    {
        if (name.Length > MaxLength) return $"is longer than {MaxLength} characters";
        var labels = name.Split('.');
        if (labels.Length < 2) return "needs at least two labels (a bare TLD would match too much)";
        foreach (var label in labels)
        {
            if (label.Length == 0) return "has an empty label";
            if (label.Length > MaxLabel) return $"has a label longer than {MaxLabel} characters";
            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_')) return $"has the character '{c}'";
            }
        }
        return labels[^1].All(char.IsAsciiDigit) ? "is an IP address" : null;
    }
}
