using System.Buffers;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Splits HCL native syntax into tokens, one at a time. HCL's lexing depends on where it is: code, the literal part of a
/// quoted string, or of a heredoc, with <c>${ }</c> going back to code inside a template. A stack of modes tracks that,
/// so templates nest (<c>"${lookup(m, "k")}"</c>) without the parser's help. Every branch moves forward: linear time.
/// </summary>
internal sealed class HclLexer
{
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\\\n$%");
    private static readonly SearchValues<char> HeredocStops = SearchValues.Create("$%");
    private const int MaxCloserSearch = 16;

    private readonly string _text;
    private readonly TextLineMap _lines;
    private readonly Action<string, int> _error;
    private readonly List<Mode> _modes = [];
    private readonly Queue<HclToken> _pending = new();
    private readonly List<char> _openers = []; // '{', '[', '(' or '$' (an interpolation or directive), innermost last
    private HeredocCloserIndex? _closers;
    private int _position;

    public HclLexer(string text, TextLineMap lines, Action<string, int> error)
    {
        _text = text;
        _lines = lines;
        _error = error;
        _modes.Add(new Mode(ModeKind.Code, 0, text.Length));
    }

    private enum ModeKind : byte
    {
        Code,
        Quoted,
        Heredoc,
    }

    public static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    public static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '-';

    public HclToken Next()
    {
        if (_pending.Count > 0) return _pending.Dequeue();
        return _modes[^1].Kind switch
        {
            ModeKind.Quoted => LexQuoted(),
            ModeKind.Heredoc => LexHeredoc(),
            _ => LexCode(),
        };
    }

    private HclToken LexCode()
    {
        var mode = _modes[^1];
        SkipSpaceAndComments(mode.Limit);
        if (_position >= mode.Limit)
        {
            if (_modes.Count == 1 || mode.Limit == _text.Length) return Make(HclTokenKind.EndOfFile, _position, _position);

            // An interpolation inside a heredoc may not run past the heredoc's closing marker.
            _error("unterminated interpolation: '${' has no matching '}'", mode.Open);
            return CloseTemplateSequence(_position);
        }

        var start = _position;
        var c = _text[start];
        switch (c)
        {
            case '\n': return Advance(HclTokenKind.Newline, 1);
            case '{':
                _modes[^1] = mode with { Braces = mode.Braces + 1 };
                return Advance(HclTokenKind.OpenBrace, 1);
            case '}':
                if (_modes.Count > 1 && mode.Braces == 0)
                {
                    _position++;
                    return CloseTemplateSequence(start);
                }

                _modes[^1] = mode with { Braces = Math.Max(0, mode.Braces - 1) };
                return Advance(HclTokenKind.CloseBrace, 1);
            case '[': return Advance(HclTokenKind.OpenBracket, 1);
            case ']': return Advance(HclTokenKind.CloseBracket, 1);
            case '(': return Advance(HclTokenKind.OpenParen, 1);
            case ')': return Advance(HclTokenKind.CloseParen, 1);
            case ',': return Advance(HclTokenKind.Comma, 1);
            case '?': return Advance(HclTokenKind.Question, 1);
            case ':': return Advance(HclTokenKind.Colon, 1);
            case '~': return Advance(HclTokenKind.Tilde, 1);
            case '+': return Advance(HclTokenKind.Plus, 1);
            case '-': return Advance(HclTokenKind.Minus, 1);
            case '*': return Advance(HclTokenKind.Star, 1);
            case '/': return Advance(HclTokenKind.Slash, 1);
            case '%': return Advance(HclTokenKind.Percent, 1);
            case '.': return Follows(start, "...") ? Advance(HclTokenKind.Ellipsis, 3) : Advance(HclTokenKind.Dot, 1);
            case '=':
                if (Follows(start, "==")) return Advance(HclTokenKind.Equal, 2);
                return Follows(start, "=>") ? Advance(HclTokenKind.FatArrow, 2) : Advance(HclTokenKind.Assign, 1);
            case '!': return Follows(start, "!=") ? Advance(HclTokenKind.NotEqual, 2) : Advance(HclTokenKind.Bang, 1);
            case '>': return Follows(start, ">=") ? Advance(HclTokenKind.GreaterEqual, 2) : Advance(HclTokenKind.Greater, 1);
            case '<':
                if (Follows(start, "<<") && TryOpenHeredoc(start, mode.Limit, out var heredoc)) return heredoc;
                return Follows(start, "<=") ? Advance(HclTokenKind.LessEqual, 2) : Advance(HclTokenKind.Less, 1);
            case '&': return Follows(start, "&&") ? Advance(HclTokenKind.And, 2) : Advance(HclTokenKind.Invalid, 1);
            case '|': return Follows(start, "||") ? Advance(HclTokenKind.Or, 2) : Advance(HclTokenKind.Invalid, 1);
            case '"':
                _modes.Add(new Mode(ModeKind.Quoted, start, mode.Limit));
                return Advance(HclTokenKind.OpenQuote, 1);
            default:
                break;
        }

        if (char.IsAsciiDigit(c)) return LexNumber(start, mode.Limit);
        if (IsIdentifierStart(c))
        {
            var end = start + 1;
            while (end < mode.Limit && IsIdentifierPart(_text[end])) end++;
            return Advance(HclTokenKind.Identifier, end - start);
        }

        return Advance(HclTokenKind.Invalid, char.IsHighSurrogate(c) && start + 1 < mode.Limit ? 2 : 1);
    }

    private void SkipSpaceAndComments(int limit)
    {
        while (_position < limit)
        {
            var c = _text[_position];
            if (c == '#' || (c == '/' && Follows(_position, "//")))
            {
                var newline = _text.AsSpan(_position, limit - _position).IndexOf('\n');
                _position = newline < 0 ? limit : _position + newline;
            }
            else if (c == '/' && Follows(_position, "/*"))
            {
                var close = _text.AsSpan(_position + 2, limit - _position - 2).IndexOf("*/", StringComparison.Ordinal);
                if (close < 0) _error("unterminated comment: '/*' has no matching '*/'", _position);
                _position = close < 0 ? limit : _position + 2 + close + 2;
            }
            else if (c != '\n' && char.IsWhiteSpace(c))
            {
                _position++;
            }
            else
            {
                return;
            }
        }
    }

    private HclToken LexNumber(int start, int limit)
    {
        var end = DigitsEnd(start, limit);
        if (end + 1 < limit && _text[end] == '.' && char.IsAsciiDigit(_text[end + 1])) end = DigitsEnd(end + 1, limit);
        if (end < limit && _text[end] is 'e' or 'E')
        {
            var exponent = end + 1;
            if (exponent < limit && _text[exponent] is '+' or '-') exponent++;
            if (exponent < limit && char.IsAsciiDigit(_text[exponent])) end = DigitsEnd(exponent, limit);
        }

        return Advance(HclTokenKind.Number, end - start);
    }

    private int DigitsEnd(int position, int limit)
    {
        while (position < limit && char.IsAsciiDigit(_text[position])) position++;
        return position;
    }

    /// <summary><c>&lt;&lt;EOF</c> or <c>&lt;&lt;-EOF</c> directly followed by a newline opens a heredoc.</summary>
    private bool TryOpenHeredoc(int start, int limit, out HclToken token)
    {
        token = default;
        var markerStart = start + 2;
        if (markerStart < limit && _text[markerStart] == '-') markerStart++;
        if (markerStart >= limit || !IsIdentifierStart(_text[markerStart])) return false;
        var markerEnd = markerStart + 1;
        while (markerEnd < limit && IsIdentifierPart(_text[markerEnd])) markerEnd++;
        var contentStart = markerEnd;
        if (contentStart < limit && _text[contentStart] == '\r') contentStart++;
        var marker = _text.AsSpan(markerStart, markerEnd - markerStart);
        if (contentStart >= limit)
        {
            // The file ends right after the marker: an empty heredoc that never closes.
            _error($"heredoc {marker} never closed", start);
            _modes.Add(new Mode(ModeKind.Heredoc, start, limit, ContentEnd: limit, CloserEnd: limit));
            _position = limit;
            token = Make(HclTokenKind.OpenHeredoc, start, limit);
            return true;
        }

        if (_text[contentStart] != '\n') return false;
        contentStart++;

        _closers ??= new HeredocCloserIndex(_text);
        if (_closers.TryFind(marker, contentStart, limit, out var closerStart, out var closerEnd))
        {
            _modes.Add(new Mode(ModeKind.Heredoc, start, limit, ContentEnd: closerStart, CloserEnd: closerEnd));
        }
        else
        {
            // Unclosed: Terraform would read to the end of the file. Stopping before the next line that plainly starts
            // a block's end or a new top-level block keeps the resources after it.
            _error($"heredoc {marker} never closed", start);
            var end = LikelyHeredocEnd(contentStart, limit);
            _modes.Add(new Mode(ModeKind.Heredoc, start, limit, ContentEnd: end, CloserEnd: end));
        }

        _position = contentStart;
        token = Make(HclTokenKind.OpenHeredoc, start, contentStart);
        return true;
    }

    private int LikelyHeredocEnd(int from, int limit)
    {
        for (var lineStart = from; lineStart < limit;)
        {
            if (_text[lineStart] == '}' || HclParser.StartsTopLevelBlock(_text, lineStart, limit))
            {
                return Math.Max(from, lineStart - 1); // before the newline, so the attribute still ends at one
            }

            var newline = _text.AsSpan(lineStart, limit - lineStart).IndexOf('\n');
            if (newline < 0) break;
            lineStart += newline + 1;
        }

        return limit;
    }

    private HclToken LexQuoted()
    {
        var mode = _modes[^1];
        var start = _position;
        var position = start;
        while (position < mode.Limit)
        {
            var next = _text.AsSpan(position, mode.Limit - position).IndexOfAny(QuotedStops);
            if (next < 0)
            {
                position = mode.Limit;
                break;
            }

            position += next;
            var c = _text[position];
            if (c is '"' or '\n') break;
            if (c == '\\')
            {
                position += position + 1 < mode.Limit && _text[position + 1] != '\n' ? 2 : 1;
                continue;
            }

            if (OpensSequence(position, mode.Limit)) break;
            position += EscapedSequenceLength(position, mode.Limit);
        }

        if (position > start)
        {
            _position = position;
            return Make(HclTokenKind.TemplateLiteral, start, position);
        }

        if (position >= mode.Limit || _text[position] == '\n') return Unterminated(mode, position);
        if (_text[position] == '"')
        {
            _modes.RemoveAt(_modes.Count - 1);
            return Advance(HclTokenKind.CloseQuote, 1);
        }

        return OpenTemplateSequence(position, mode.Limit);
    }

    private HclToken LexHeredoc()
    {
        var mode = _modes[^1];
        var start = _position;
        var position = start;
        while (position < mode.ContentEnd)
        {
            var next = _text.AsSpan(position, mode.ContentEnd - position).IndexOfAny(HeredocStops);
            if (next < 0)
            {
                position = mode.ContentEnd;
                break;
            }

            position += next;
            if (OpensSequence(position, mode.ContentEnd)) break;
            position += EscapedSequenceLength(position, mode.ContentEnd);
        }

        if (position > start)
        {
            _position = position;
            return Make(HclTokenKind.TemplateLiteral, start, position);
        }

        if (position < mode.ContentEnd) return OpenTemplateSequence(position, mode.ContentEnd);
        _modes.RemoveAt(_modes.Count - 1);
        _position = mode.CloserEnd;
        return Make(HclTokenKind.CloseHeredoc, mode.ContentEnd, mode.CloserEnd);
    }

    /// <summary><c>${</c> or <c>%{</c>, but not the escaped <c>$${</c> or <c>%%{</c>.</summary>
    private bool OpensSequence(int position, int limit) =>
        _text[position] is '$' or '%' && position + 1 < limit && _text[position + 1] == '{';

    private int EscapedSequenceLength(int position, int limit) =>
        position + 2 < limit && _text[position + 1] == _text[position] && _text[position + 2] == '{' ? 3 : 1;

    private HclToken OpenTemplateSequence(int position, int limit)
    {
        var kind = _text[position] == '$' ? HclTokenKind.TemplateInterpolation : HclTokenKind.TemplateDirective;
        _modes.Add(new Mode(ModeKind.Code, position, limit));
        _position = position;
        return Advance(kind, 2);
    }

    private HclToken CloseTemplateSequence(int start)
    {
        _modes.RemoveAt(_modes.Count - 1);
        return Make(HclTokenKind.TemplateEnd, start, _position);
    }

    /// <summary>
    /// A quoted string reached a newline or the end. Closes it, and every template opened on the same line, so the rest
    /// of the file is read as code again rather than as the inside of a broken string.
    /// </summary>
    private HclToken Unterminated(Mode mode, int position)
    {
        _error("unterminated string", mode.Open);
        _position = position;
        _modes.RemoveAt(_modes.Count - 1);
        var token = Make(HclTokenKind.CloseQuote, position, position);
        var lineStart = _lines.LineStart(position);
        while (_modes.Count > 1 && _modes[^1].Open >= lineStart && _modes[^1].Kind != ModeKind.Heredoc)
        {
            var closed = _modes[^1];
            if (closed.Kind == ModeKind.Quoted)
            {
                _modes.RemoveAt(_modes.Count - 1);
                _pending.Enqueue(Make(HclTokenKind.CloseQuote, position, position));
            }
            else
            {
                _pending.Enqueue(CloseTemplateSequence(position));
            }
        }

        return token;
    }

    /// <summary>Whether <paramref name="expected"/> starts at <paramref name="position"/>, within the current mode's limit.</summary>
    private bool Follows(int position, string expected) =>
        _text.AsSpan(position, _modes[^1].Limit - position).StartsWith(expected, StringComparison.Ordinal);

    private HclToken Advance(HclTokenKind kind, int length)
    {
        var start = _position;
        _position += length;
        return Make(kind, start, _position);
    }

    private HclToken Make(HclTokenKind kind, int start, int end)
    {
        var opener = kind switch
        {
            HclTokenKind.OpenBrace or HclTokenKind.CloseBrace => '{',
            HclTokenKind.OpenBracket or HclTokenKind.CloseBracket => '[',
            HclTokenKind.OpenParen or HclTokenKind.CloseParen => '(',
            HclTokenKind.TemplateInterpolation or HclTokenKind.TemplateDirective or HclTokenKind.TemplateEnd => '$',
            _ => '\0',
        };
        if (opener == '\0') return new HclToken(kind, start, end, _openers.Count);
        if (kind is HclTokenKind.OpenBrace or HclTokenKind.OpenBracket or HclTokenKind.OpenParen
            or HclTokenKind.TemplateInterpolation or HclTokenKind.TemplateDirective)
        {
            _openers.Add(opener);
            return new HclToken(kind, start, end, _openers.Count - 1);
        }

        CloseOpener(opener);
        return new HclToken(kind, start, end, _openers.Count);
    }

    /// <summary>
    /// Pops the opener a closer matches, and any unclosed ones above it: in <c>x = [1, 2</c> followed by the block's
    /// <c>}</c>, the brace closes the block, so recovery sees the block end where the author meant it to. The search is
    /// short and stops at an interpolation, so a run of stray closers stays linear; a closer that matches nothing
    /// near is left stray.
    /// </summary>
    private void CloseOpener(char opener)
    {
        for (int i = _openers.Count - 1, searched = 0; i >= 0 && searched < MaxCloserSearch; i--, searched++)
        {
            if (_openers[i] == opener)
            {
                _openers.RemoveRange(i, _openers.Count - i);
                return;
            }

            if (_openers[i] == '$') return;
        }
    }

    /// <param name="Open">Where the string, heredoc or <c>${</c> began (for errors and for closing a broken line).</param>
    /// <param name="Limit">Where this mode must stop: the file's end, or the closing marker of an enclosing heredoc.</param>
    /// <param name="Braces">Open <c>{</c> inside an interpolation, so its own <c>}</c> can be told from the one closing it.</param>
    private readonly record struct Mode(ModeKind Kind, int Open, int Limit, int Braces = 0, int ContentEnd = 0, int CloserEnd = 0);
}
