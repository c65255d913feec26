namespace Bulwark.Text;

/// <summary>
/// Characters that change what text means without showing: zero-width and bidirectional controls, and Unicode tag
/// characters (U+E0000..U+E007F), which spell ASCII that no reader sees. Shared by the output guard and the data checks.
/// </summary>
public static class InvisibleCharacters
{
    /// <summary>
    /// The UTF-16 width of the invisible character at <paramref name="i"/>, 0 if there is none; for a tag character,
    /// the ASCII it stands for in <paramref name="tag"/>. Variation selectors 17-256 (U+E0100..U+E01EF) count too.
    /// </summary>
    public static int WidthAt(string text, int i, out char? tag)
    {
        tag = null;
        var c = text[i];
        if (c is (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2064') or (>= '\u2066' and <= '\u2069') or '\uFEFF' or '\u180E')
            return 1;
        if (c == '\uDB40' && i + 1 < text.Length && text[i + 1] is >= '\uDC00' and <= '\uDDEF')
        {
            var low = text[i + 1] - 0xDC00;
            if (low < 0x80) tag = (char)low;
            return 2;
        }
        return 0;
    }

    public static bool Any(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (WidthAt(text, i, out _) > 0) return true;
        }
        return false;
    }
}
