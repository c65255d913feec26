using System.Globalization;
using System.Text;

namespace Bulwark.Text;

/// <summary>
/// Text prepared for matching: NFKC-normalised, with zero-width, bidi-control and Unicode tag characters
/// removed (they hide keywords from naive matchers), and a map from every normalised position back to the
/// original, so findings point at what the user sees in the file.
/// </summary>
public sealed class NormalizedText
{
    private readonly int[]? _map; // _map[i] = original index of normalised char i; null when nothing changed
    private readonly int _originalLength;

    private NormalizedText(string text, int[]? map, int originalLength)
    {
        Text = text;
        _map = map;
        _originalLength = originalLength;
    }

    public string Text { get; }

    /// <summary>True when normalisation changed nothing (all plain ASCII): offsets are identical.</summary>
    public bool IsIdentity => _map is null;

    /// <summary>Original index of the character at normalised index <paramref name="index"/> (a match start).</summary>
    public int ToOriginalStart(int index) =>
        _map is null ? index : index >= _map.Length ? _originalLength : _map[index];

    /// <summary>Original end (exclusive) of a match ending before normalised index <paramref name="end"/>.</summary>
    public int ToOriginalEnd(int end)
    {
        if (_map is null) return end;
        if (end <= 0) return 0;
        if (end >= _map.Length) return _originalLength;
        return _map[end]; // the original position where the next normalised char begins
    }

    /// <summary>The normalised index of the first character at or after original index <paramref name="original"/>.</summary>
    public int FromOriginal(int original)
    {
        if (_map is null) return original;
        var found = Array.BinarySearch(_map, original);
        if (found >= 0)
        {
            while (found > 0 && _map[found - 1] == original) found--;
            return found;
        }
        return ~found;
    }

    public static NormalizedText Create(string text)
    {
        if (System.Text.Ascii.IsValid(text)) return new NormalizedText(text, null, text.Length);

        var builder = new StringBuilder(text.Length);
        var map = new List<int>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c < 0x80)
            {
                builder.Append(c);
                map.Add(i);
                i++;
                continue;
            }

            if (!Rune.TryGetRuneAt(text, i, out var rune))
            {
                // A lone surrogate cannot be normalised; keep it as it is.
                builder.Append(c);
                map.Add(i);
                i++;
                continue;
            }

            var runeLength = rune.Utf16SequenceLength;
            if (IsInvisible(rune))
            {
                i += runeLength;
                continue;
            }

            // Normalise the character together with the combining marks that follow it.
            var end = i + runeLength;
            while (end < text.Length && Rune.TryGetRuneAt(text, end, out var next) && IsCombining(next)) end += next.Utf16SequenceLength;
            var segment = text.AsSpan(i, end - i);
            var normalised = segment.IsNormalized(NormalizationForm.FormKC) ? segment.ToString() : segment.ToString().Normalize(NormalizationForm.FormKC);
            foreach (var n in normalised)
            {
                builder.Append(n);
                map.Add(i);
            }
            i = end;
        }
        return new NormalizedText(builder.ToString(), map.ToArray(), text.Length);
    }

    /// <summary>Zero-width, bidi controls, soft hyphen, variation selectors and the Unicode tag block.</summary>
    public static bool IsInvisible(Rune rune)
    {
        var v = rune.Value;
        return v is 0x00AD or 0x180E or 0x200B or 0x200C or 0x200D or 0x2060 or 0xFEFF
            || v is >= 0x200E and <= 0x200F
            || v is >= 0x202A and <= 0x202E
            || v is >= 0x2061 and <= 0x206F
            || v is >= 0xFE00 and <= 0xFE0F
            || v is >= 0xE0000 and <= 0xE007F;
    }

    private static bool IsCombining(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
