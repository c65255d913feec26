namespace Bulwark.Infra.Parsing;

/// <summary>
/// What the body parser and the expression parser share: the token stream with a little lookahead, the errors, and the
/// bounds. A syntax error does not throw: it sets <see cref="Failed"/>, every parse method then returns at once, and the
/// nearest body skips to where the broken item ends. No exceptions means a file with an error per line stays cheap.
/// </summary>
internal sealed class HclParseContext
{
    private const int Lookahead = 4;

    private readonly HclLexer _lexer;
    private readonly HclToken[] _ring = new HclToken[Lookahead];
    private int _head;
    private int _buffered;
    private int _depth;
    private int _nodes;

    public HclParseContext(string text, InfraParseLimits limits)
    {
        Text = text;
        Limits = limits;
        Lines = new TextLineMap(text);
        Errors = new ParseErrorCollector(limits.MaxErrors);
        _lexer = new HclLexer(text, Lines, Error);
    }

    public string Text { get; }

    public InfraParseLimits Limits { get; }

    public TextLineMap Lines { get; }

    public ParseErrorCollector Errors { get; }

    /// <summary>A syntax error was met and not yet recovered from.</summary>
    public bool Failed { get; set; }

    /// <summary>A bound was hit that ends the whole file (too many values).</summary>
    public bool Stopped { get; private set; }

    /// <summary>Whether a newline ends what is being parsed (bodies, object items) or is mere space (inside brackets).</summary>
    public bool NewlinesSignificant { get; set; } = true;

    /// <summary>How many tokens were taken or passed over: recovery compares it to make sure every loop moves on.</summary>
    public int Consumed { get; private set; }

    /// <summary>Where the last taken token ends: an expression's source runs from its first token to here.</summary>
    public int LastEnd { get; private set; }

    /// <summary>The next token, passing over newlines where they do not count.</summary>
    public HclToken Peek()
    {
        if (!NewlinesSignificant)
        {
            while (PeekRaw(0).Kind == HclTokenKind.Newline) Drop();
        }

        return PeekRaw(0);
    }

    /// <summary>The token <paramref name="ahead"/> places on, newlines included (0 to 3).</summary>
    public HclToken PeekRaw(int ahead)
    {
        while (_buffered <= ahead)
        {
            _ring[(_head + _buffered) % Lookahead] = _lexer.Next();
            _buffered++;
        }

        return _ring[(_head + ahead) % Lookahead];
    }

    public HclToken Next()
    {
        var token = Peek();
        if (token.Kind == HclTokenKind.EndOfFile) return token;
        Drop();
        LastEnd = token.End;
        return token;
    }

    /// <summary>Takes the very next token, even a newline that does not count (recovery and newline skipping).</summary>
    public void Skip()
    {
        var token = PeekRaw(0);
        if (token.Kind == HclTokenKind.EndOfFile) return;
        Drop();
        LastEnd = token.End;
    }

    public bool Is(HclTokenKind kind) => Peek().Kind == kind;

    /// <summary>Takes the next token if it is <paramref name="kind"/>.</summary>
    public bool Accept(HclTokenKind kind)
    {
        if (!Is(kind)) return false;
        Next();
        return true;
    }

    /// <summary>Takes a token of <paramref name="kind"/>, or fails with "expected {what}, found …".</summary>
    public bool Expect(HclTokenKind kind, string what)
    {
        if (Accept(kind)) return true;
        Fail($"expected {what}, found {Describe(Peek())}", Peek().Start);
        return false;
    }

    public void SkipNewlines()
    {
        while (PeekRaw(0).Kind == HclTokenKind.Newline) Skip();
    }

    public bool IsIdentifier(HclToken token, string name) =>
        token.Kind == HclTokenKind.Identifier && TextOf(token).SequenceEqual(name);

    public ReadOnlySpan<char> TextOf(HclToken token) => Text.AsSpan(token.Start, token.Length);

    /// <summary>One level deeper (a block body or an expression); fails past <see cref="InfraParseLimits.MaxDepth"/>.</summary>
    public bool Enter(int offset)
    {
        if (_depth >= Limits.MaxDepth)
        {
            Fail($"nesting deeper than {Limits.MaxDepth}", offset);
            return false;
        }

        _depth++;
        return true;
    }

    public void Leave() => _depth--;

    /// <summary>Counts one value against <see cref="InfraParseLimits.MaxNodes"/>; past it the file stops.</summary>
    public T Count<T>(T value)
        where T : InfraValue
    {
        if (++_nodes > Limits.MaxNodes && !Stopped)
        {
            Error($"more than {Limits.MaxNodes} values: the rest of the file is not read", LastEnd);
            Stopped = true;
            Failed = true;
        }

        return value;
    }

    public void Error(string message, int offset)
    {
        var (line, column) = Lines.Locate(offset);
        Errors.Add(message, line, column);
    }

    /// <summary>Records an error and unwinds to the nearest body (see the class comment).</summary>
    public void Fail(string message, int offset)
    {
        if (Failed) return;
        Error(message, offset);
        Failed = true;
    }

    public (int Line, int Column) Locate(int offset) => Lines.Locate(offset);

    /// <summary>A token as an error message names it, cut short and with control characters spelled out.</summary>
    public string Describe(HclToken token) => token.Kind switch
    {
        HclTokenKind.EndOfFile => "the end of the file",
        HclTokenKind.Newline => "a newline",
        HclTokenKind.OpenQuote => "a string",
        HclTokenKind.OpenHeredoc => "a heredoc",
        HclTokenKind.TemplateLiteral => "template text",
        HclTokenKind.CloseHeredoc => "the end of the heredoc",
        HclTokenKind.CloseQuote => "the end of the string",
        HclTokenKind.TemplateEnd when token.Length == 0 => "the end of the template",
        _ => $"'{Printable(TextOf(token))}'",
    };

    private static string Printable(ReadOnlySpan<char> text)
    {
        var cut = text.Length > 40 ? text[..40] : text;
        var builder = new System.Text.StringBuilder(cut.Length);
        foreach (var c in cut) builder.Append(char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString());
        if (cut.Length < text.Length) builder.Append('…');
        return builder.ToString();
    }

    private void Drop()
    {
        _head = (_head + 1) % Lookahead;
        _buffered--;
        Consumed++;
    }
}
