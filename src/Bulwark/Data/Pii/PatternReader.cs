using System.Globalization;

namespace Bulwark.Data.Pii;

/// <summary>
/// Reads a .NET regular expression far enough to compute <see cref="ValueFacts"/>: alternation, groups (named,
/// non-capturing, atomic, inline options), lookarounds, classes, escapes, backreferences and quantifiers. Anything
/// else throws <see cref="NotSupportedException"/>, and the pattern simply gets no facts.
/// </summary>
internal sealed class PatternReader(string pattern, string secretGroup)
{
    // Groups nest at most this deep: the reader recurses once per level.
    private const int MaxDepth = 64;

    private readonly Dictionary<string, CharMask> _groups = new(StringComparer.Ordinal);
    private int _at;
    private int _depth;

    /// <summary>What a construct matches: <see cref="All"/> its whole text; <see cref="Value"/> the reported value when
    /// the construct is the whole pattern (null when the match holds more than the secret group).</summary>
    internal readonly record struct Parsed(ValueFacts All, ValueFacts? Value, bool HasSecret, bool ZeroWidth);

    public Parsed Read()
    {
        var result = Alternation(ignoreCase: false);
        if (_at != pattern.Length) throw new NotSupportedException("unbalanced ')'");
        return result;
    }

    private Parsed Alternation(bool ignoreCase)
    {
        var result = Sequence(ref ignoreCase);
        while (_at < pattern.Length && pattern[_at] == '|')
        {
            _at++;
            var branch = Sequence(ref ignoreCase);
            result = new Parsed(result.All.Or(branch.All), result.Value is { } a && branch.Value is { } b ? a.Or(b) : null,
                result.HasSecret || branch.HasSecret, result.ZeroWidth && branch.ZeroWidth);
        }
        return result;
    }

    private Parsed Sequence(ref bool ignoreCase)
    {
        var all = ValueFacts.Empty;
        var items = new List<Parsed>();
        while (_at < pattern.Length && pattern[_at] is not ('|' or ')'))
        {
            // "(?i)" turns case-insensitivity on for the rest of the enclosing group.
            if (InlineOptions(ref ignoreCase)) continue;
            var item = Quantified(Atom(ignoreCase));
            items.Add(item);
            all = all.Then(item.All);
        }
        var secrets = items.Count(i => i.HasSecret);
        var zeroWidth = items.All(i => i.ZeroWidth);
        ValueFacts? value = secrets switch
        {
            0 => all,
            1 when items.All(i => i.HasSecret || i.ZeroWidth) => items.Single(i => i.HasSecret).Value,
            _ => null,
        };
        return new Parsed(all, value, secrets > 0, zeroWidth);
    }

    private bool InlineOptions(ref bool ignoreCase)
    {
        if (!pattern.AsSpan(_at).StartsWith("(?") || _at + 2 >= pattern.Length) return false;
        var end = _at + 2;
        while (end < pattern.Length && (char.IsAsciiLetter(pattern[end]) || pattern[end] == '-')) end++;
        if (end == _at + 2 || end >= pattern.Length || pattern[end] != ')') return false;
        ignoreCase = ApplyOptions(pattern.AsSpan(_at + 2, end - _at - 2), ignoreCase);
        _at = end + 1;
        return true;
    }

    private static bool ApplyOptions(ReadOnlySpan<char> options, bool ignoreCase)
    {
        var on = true;
        foreach (var c in options)
        {
            switch (c)
            {
                case '-': on = false; break;
                case 'i': ignoreCase = on; break;
                case 'x': throw new NotSupportedException("(?x): white space and comments are syntax");
                case 'm' or 's' or 'n': break; // anchors and '.' are read loosely already; captures do not matter
                default: throw new NotSupportedException($"option '{c}'");
            }
        }
        return ignoreCase;
    }

    private Parsed Quantified(Parsed item)
    {
        if (_at >= pattern.Length) return item;
        int min, max;
        switch (pattern[_at])
        {
            case '*': (min, max) = (0, int.MaxValue); _at++; break;
            case '+': (min, max) = (1, int.MaxValue); _at++; break;
            case '?': (min, max) = (0, 1); _at++; break;
            case '{' when Bounds(out min, out max): break;
            default: return item;
        }
        if (_at < pattern.Length && pattern[_at] == '?') _at++; // lazy: the same strings
        if (item.HasSecret) return new Parsed(item.All.Times(min), null, true, false);
        var all = max == 0 ? ValueFacts.Empty : item.All.Times(min);
        return new Parsed(all, all, false, item.ZeroWidth || max == 0);
    }

    /// <summary>"{n}", "{n,}" or "{n,m}"; anything else is a literal brace.</summary>
    private bool Bounds(out int min, out int max)
    {
        min = max = 0;
        var close = pattern.IndexOf('}', _at);
        if (close < 0) return false;
        var body = pattern.AsSpan(_at + 1, close - _at - 1);
        var comma = body.IndexOf(',');
        var first = comma < 0 ? body : body[..comma];
        if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out min)) return false;
        if (comma < 0) max = min;
        else if (comma == body.Length - 1) max = int.MaxValue;
        else if (!int.TryParse(body[(comma + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out max)) return false;
        _at = close + 1;
        return true;
    }

    private Parsed Atom(bool ignoreCase)
    {
        var c = pattern[_at++];
        switch (c)
        {
            case '(':
                return Group(ignoreCase);
            case '[':
                return Chars(ClassBody(), ignoreCase);
            case '.':
                return Chars(CharMask.All, ignoreCase);
            case '^' or '$':
                return ZeroWidth;
            case '\\':
                return Escape(ignoreCase);
            case '*' or '+' or '?':
                throw new NotSupportedException($"quantifier '{c}' with nothing before it");
            default:
                return Chars(CharMask.Of(c), ignoreCase);
        }
    }

    private static Parsed ZeroWidth => new(ValueFacts.Empty, ValueFacts.Empty, false, true);

    private static Parsed Chars(CharMask chars, bool ignoreCase)
    {
        var facts = ValueFacts.Atom(ignoreCase ? chars.CaseClosed() : chars);
        return new Parsed(facts, facts, false, false);
    }

    private Parsed Group(bool ignoreCase)
    {
        string? name = null;
        var lookaround = false;
        if (_at < pattern.Length && pattern[_at] == '?')
        {
            _at++;
            var kind = _at < pattern.Length ? pattern[_at] : '\0';
            if (kind is ':' or '>') _at++;
            else if (kind is '=' or '!') (lookaround, _at) = (true, _at + 1);
            else if (kind == '<' && _at + 1 < pattern.Length && pattern[_at + 1] is '=' or '!') (lookaround, _at) = (true, _at + 2);
            else if (kind is '<' or '\'') name = GroupName(kind == '<' ? '>' : '\'');
            else
            {
                // "(?i:…)", "(?-i:…)": options for this group only.
                var colon = pattern.IndexOf(':', _at);
                if (colon < 0) throw new NotSupportedException("group construct");
                ignoreCase = ApplyOptions(pattern.AsSpan(_at, colon - _at), ignoreCase);
                _at = colon + 1;
            }
        }
        if (++_depth > MaxDepth) throw new NotSupportedException("groups nested too deep");
        var inner = Alternation(ignoreCase);
        _depth--;
        if (_at >= pattern.Length || pattern[_at] != ')') throw new NotSupportedException("unclosed group");
        _at++;
        if (lookaround)
        {
            if (inner.HasSecret) throw new NotSupportedException("secret group inside a lookaround");
            return ZeroWidth;
        }
        if (name is null) return inner;
        _groups[name] = inner.All.Chars;
        return name == secretGroup
            ? new Parsed(inner.All, inner.All, true, false)
            : inner;
    }

    private string GroupName(char close)
    {
        var end = pattern.IndexOf(close, _at + 1);
        if (end < 0) throw new NotSupportedException("unclosed group name");
        var name = pattern[(_at + 1)..end];
        if (name.Contains('-')) throw new NotSupportedException("balancing group");
        _at = end + 1;
        return name;
    }

    private Parsed Escape(bool ignoreCase)
    {
        if (_at >= pattern.Length) throw new NotSupportedException("trailing backslash");
        var c = pattern[_at];
        switch (c)
        {
            case 'b' or 'B' or 'A' or 'z' or 'Z' or 'G':
                _at++;
                return ZeroWidth;
            case 'k':
                _at++;
                var close = pattern[_at] switch { '<' => '>', '\'' => '\'', _ => throw new NotSupportedException("\\k without a name") };
                var name = GroupName(close);
                return Backreference(name, ignoreCase);
            case >= '1' and <= '9':
                throw new NotSupportedException("numbered backreference");
            default:
                return Chars(EscapedSet(), ignoreCase);
        }
    }

    private Parsed Backreference(string name, bool ignoreCase)
    {
        // The same text the group matched: its characters, but possibly none of them (the group may have matched empty).
        if (!_groups.TryGetValue(name, out var chars)) throw new NotSupportedException("backreference to an unknown group");
        var facts = ValueFacts.Empty with { Chars = ignoreCase ? chars.CaseClosed() : chars };
        return new Parsed(facts, facts, false, false);
    }

    /// <summary>The characters of an escape after its backslash (shared by classes and the pattern body).</summary>
    private CharMask EscapedSet()
    {
        var c = pattern[_at++];
        switch (c)
        {
            case 'd': return CharMask.Digits;
            case 'D': return ~CharMask.Digits;
            case 'w': return CharMask.Word;
            case 'W': return ~CharMask.Word;
            case 's': return CharMask.Space;
            case 'S': return ~CharMask.Space;
            case 'p' or 'P':
                // A Unicode category: read as any character.
                var end = pattern.IndexOf('}', _at);
                if (end < 0) throw new NotSupportedException("unclosed \\p{…}");
                _at = end + 1;
                return CharMask.All;
            case 't': return CharMask.Of('\t');
            case 'n': return CharMask.Of('\n');
            case 'r': return CharMask.Of('\r');
            case 'f': return CharMask.Of('\f');
            case 'v': return CharMask.Of('\v');
            case 'e': return CharMask.Of('\x1b');
            case 'a': return CharMask.Of('\a');
            case 'x': return CharMask.Of(HexChar(2));
            case 'u': return CharMask.Of(HexChar(4));
            case 'c' or '0':
                throw new NotSupportedException($"escape \\{c}");
            default:
                if (char.IsAsciiLetterOrDigit(c)) throw new NotSupportedException($"escape \\{c}");
                return CharMask.Of(c);
        }
    }

    private char HexChar(int digits)
    {
        if (_at + digits > pattern.Length || !int.TryParse(pattern.AsSpan(_at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            throw new NotSupportedException("bad hexadecimal escape");
        _at += digits;
        return (char)code;
    }

    /// <summary>The members of "[…]" after its '['; a negated class is its complement within ASCII.</summary>
    private CharMask ClassBody()
    {
        var negated = _at < pattern.Length && pattern[_at] == '^';
        if (negated) _at++;
        var set = default(CharMask);
        var first = true;
        while (true)
        {
            if (_at >= pattern.Length) throw new NotSupportedException("unclosed class");
            var c = pattern[_at];
            if (c == ']' && !first) break;
            first = false;
            if (c == '-' && _at + 1 < pattern.Length && pattern[_at + 1] == '[') throw new NotSupportedException("class subtraction");
            CharMask member;
            char? single;
            _at++;
            if (c == '\\')
            {
                var escaped = pattern[_at];
                member = EscapedSet();
                single = escaped is 'd' or 'D' or 'w' or 'W' or 's' or 'S' or 'p' or 'P' ? null : FirstOf(member);
            }
            else
            {
                member = CharMask.Of(c);
                single = c;
            }
            // "a-z": a range, unless the '-' ends the class.
            if (single is { } low && _at + 1 < pattern.Length && pattern[_at] == '-' && pattern[_at + 1] != ']')
            {
                _at++;
                var highChar = pattern[_at++];
                if (highChar == '\\') highChar = FirstOf(EscapedSet()) ?? throw new NotSupportedException("class range ending in a set");
                member = CharMask.Range(low, highChar);
            }
            set |= member;
        }
        _at++;
        return negated ? ~set : set;
    }

    private static char? FirstOf(CharMask mask)
    {
        for (var c = '\0'; c < 128; c++)
        {
            if (mask.Contains(c)) return c;
        }
        return null;
    }
}
