namespace Bulwark.Infra.Parsing;

internal enum HclTokenKind : byte
{
    EndOfFile,
    Newline,
    Identifier,
    Number,

    // Templates: a quoted string or heredoc is an opener, literal pieces, ${ or %{ sequences, and a closer.
    OpenQuote,
    CloseQuote,
    OpenHeredoc,
    CloseHeredoc,
    TemplateLiteral,
    TemplateInterpolation,
    TemplateDirective,
    TemplateEnd,

    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    OpenParen,
    CloseParen,
    Comma,
    Dot,
    Ellipsis,
    Assign,
    Colon,
    Question,
    FatArrow,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    And,
    Or,
    Bang,
    Tilde,
    Invalid,
}

/// <summary>
/// One token: its kind, its source range, and how many brackets, braces, parentheses and interpolations enclose it
/// (an opener and its closer share the depth of what surrounds them). Error recovery uses the depth to find where a
/// broken item ends without trusting the parser's own view of a file it just failed to read.
/// </summary>
internal readonly record struct HclToken(HclTokenKind Kind, int Start, int End, int Depth)
{
    public int Length => End - Start;

    public bool IsCloser => Kind is HclTokenKind.CloseBrace or HclTokenKind.CloseBracket or HclTokenKind.CloseParen or HclTokenKind.TemplateEnd;
}
