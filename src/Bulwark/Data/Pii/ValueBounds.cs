namespace Bulwark.Data.Pii;

/// <summary>
/// The characters that may not stand right before or right after a rule's value, read from the negative
/// lookarounds that fence its secret group: <c>(?&lt;![\w.-])(?&lt;secret&gt;…)(?![\w-]|[.,]\d)</c> says no word
/// character, dot or dash before the value and no word character or dash after it. A UUID or a log timestamp is full
/// of digit stretches, but each is glued to a letter, a dash or a colon, so no value can start or end there and the
/// run is dropped before its window and regex (<see cref="RunStretches"/>).
/// </summary>
/// <remarks>
/// Sound by construction: only a pattern whose whole match is the secret group (between the lookarounds there are
/// only other zero-width assertions) gets bounds, and each set holds only ASCII characters its lookaround surely
/// matches (single-class alternatives of plain classes).
/// </remarks>
internal sealed record ValueBounds(CharMask NotBefore, CharMask NotAfter)
{
    /// <summary>The bounds of the value <paramref name="pattern"/> reports in <paramref name="secretGroup"/>, or null
    /// when the pattern is not of the fenced shape.</summary>
    public static ValueBounds? Of(string pattern, string secretGroup)
    {
        var at = 0;
        if (!Lookaround(pattern, ref at, "(?<!", out var notBefore)) return null;
        // Other assertions may stand between the lookbehind and the value ("(?!(?:19|20)\d\d-…)"): they match nothing.
        while (pattern.AsSpan(at).StartsWith("(?!") || pattern.AsSpan(at).StartsWith("(?="))
        {
            if (!PatternSyntax.SkipGroup(pattern, ref at)) return null;
        }
        var open = $"(?<{secretGroup}>";
        if (!pattern.AsSpan(at).StartsWith(open)) return null;
        if (!PatternSyntax.SkipGroup(pattern, ref at)) return null;
        var notAfter = default(CharMask);
        if (at < pattern.Length && !Lookaround(pattern, ref at, "(?!", out notAfter)) return null;
        if (at != pattern.Length) return null;
        return notBefore.IsEmpty && notAfter.IsEmpty ? null : new ValueBounds(notBefore, notAfter);
    }

    /// <summary>Reads "(?&lt;!…)" or "(?!…)" at <paramref name="at"/>: the characters its single-class alternatives match.</summary>
    private static bool Lookaround(string pattern, ref int at, string opening, out CharMask set)
    {
        set = default;
        if (!pattern.AsSpan(at).StartsWith(opening)) return false;
        var start = at + opening.Length;
        if (!PatternSyntax.SkipGroup(pattern, ref at)) return false;
        foreach (var alternative in PatternSyntax.TopLevelAlternatives(pattern.AsSpan(start, at - 1 - start)))
        {
            if (PlainClass(alternative) is { } members) set |= members;
        }
        return true;
    }

    /// <summary>
    /// The ASCII members of an alternative that is one plain class: "\w", "\d", "\s", an escaped or literal symbol, or
    /// "[…]" of those and ranges. Null for anything else (a negation, a Unicode category, a sequence).
    /// </summary>
    private static CharMask? PlainClass(string atom)
    {
        if (atom.Length == 1 && !char.IsAsciiLetterOrDigit(atom[0]) && atom[0] is not ('.' or '^' or '$')) return CharMask.Of(atom[0]);
        if (atom.Length == 2 && atom[0] == '\\') return Escape(atom[1]);
        if (atom.Length < 3 || atom[0] != '[' || atom[^1] != ']' || atom[1] == '^' || PatternSyntax.ClassEnd(atom, 0) != atom.Length - 1) return null;
        var set = default(CharMask);
        for (var i = 1; i < atom.Length - 1; i++)
        {
            CharMask? member;
            char? single = null;
            if (atom[i] == '\\')
            {
                member = Escape(atom[++i]);
                if (!char.IsAsciiLetter(atom[i])) single = atom[i];
            }
            else
            {
                member = CharMask.Of(atom[i]);
                single = atom[i];
            }
            if (member is null) return null;
            // A range "a-z" (a '-' first or last is itself).
            if (single is { } low && i + 2 < atom.Length - 1 && atom[i + 1] == '-')
            {
                var high = atom[i + 2];
                if (high == '\\' || high < low) return null;
                member = CharMask.Range(low, high);
                i += 2;
            }
            set |= member.Value;
        }
        return set;
    }

    private static CharMask? Escape(char c) => c switch
    {
        'w' => CharMask.Word,
        'd' => CharMask.Digits,
        's' => CharMask.Space,
        _ when !char.IsAsciiLetterOrDigit(c) && c < 128 => CharMask.Of(c),
        _ => null,
    };
}
