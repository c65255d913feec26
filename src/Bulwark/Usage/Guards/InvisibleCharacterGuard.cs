using System.Text;
using Bulwark.Kernel.Guards;
using Bulwark.Text;

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
            var width = InvisibleCharacters.WidthAt(text, i, out var tag);
            if (width == 0) { i++; continue; }
            var start = i;
            var hidden = new StringBuilder();
            var tags = false;
            while (width > 0)
            {
                if (tag is { } c && hidden.Length < MaxShownHidden && c is >= ' ' and < '\u007F') hidden.Append(c);
                tags |= tag is not null;
                i += width;
                width = i < text.Length ? InvisibleCharacters.WidthAt(text, i, out tag) : 0;
            }
            hits.Add(tags
                ? new GuardHit(Name, TagsRuleId, 0.95f, start, i - start, $"Unicode tag characters hide text: \"{hidden}\"")
                : new GuardHit(Name, ControlsRuleId, 0.5f, start, i - start, $"{i - start} invisible or bidirectional control character(s)"));
        }
        return hits;
    }
}
