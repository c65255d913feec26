using System.Text;
using Bulwark.Kernel.Guards;

namespace Bulwark.Usage.Guards;

/// <summary>
/// Invisible characters: zero-width and bidirectional controls (text that reads differently than it shows) and
/// Unicode tag characters, which smuggle ASCII past a human reader ("ASCII smuggling"). Each run is a span; the
/// message spells out what tag characters hide.
/// </summary>
public sealed class InvisibleCharacterGuard : IGuard
{
    public const string TagsRuleId = "BW-USAGE-INVISIBLE-TAGS";
    public const string ControlsRuleId = "BW-USAGE-INVISIBLE-CHARACTERS";
    private const int MaxShownHidden = 80;

    public string Name => "invisible-characters";

    public IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken)
    {
        var hits = new List<GuardHit>();
        for (var i = 0; i < text.Length;)
        {
            var width = InvisibleAt(text, i, out var tag);
            if (width == 0) { i++; continue; }
            var start = i;
            var hidden = new StringBuilder();
            var tags = false;
            while (width > 0)
            {
                if (tag is { } c && hidden.Length < MaxShownHidden && c is >= ' ' and < '\u007F') hidden.Append(c);
                tags |= tag is not null;
                i += width;
                width = i < text.Length ? InvisibleAt(text, i, out tag) : 0;
            }
            hits.Add(tags
                ? new GuardHit(Name, TagsRuleId, 0.95f, start, i - start, $"Unicode tag characters hide text: \"{hidden}\"")
                : new GuardHit(Name, ControlsRuleId, 0.5f, start, i - start, $"{i - start} invisible or bidirectional control character(s)"));
        }
        return hits;
    }

    /// <summary>The UTF-16 width of the invisible character at <paramref name="i"/>, 0 if there is none; for a tag character, the ASCII it stands for.</summary>
    private static int InvisibleAt(string text, int i, out char? tag)
    {
        tag = null;
        var c = text[i];
        if (c is (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2064') or (>= '\u2066' and <= '\u2069') or '\uFEFF' or '\u180E')
            return 1;
        // Tags (U+E0000..U+E007F) and variation selectors 17-256 (U+E0100..U+E01EF) are surrogate pairs: DB40 + DC00..DDEF.
        if (c == '\uDB40' && i + 1 < text.Length && text[i + 1] is >= '\uDC00' and <= '\uDDEF')
        {
            var low = text[i + 1] - 0xDC00;
            if (low < 0x80) tag = (char)low;
            return 2;
        }
        return 0;
    }
}
