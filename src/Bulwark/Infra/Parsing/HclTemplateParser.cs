using System.Buffers;
using System.Globalization;
using System.Text;
using Kind = Bulwark.Infra.Parsing.HclTokenKind;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Quoted strings and heredocs. The lexer has already split them into literal pieces and <c>${ }</c> / <c>%{ }</c>
/// sequences; this decodes the pieces, parses what is inside the sequences as expressions, and checks that
/// <c>%{ if }</c> and <c>%{ for }</c> directives close. A template that interpolates is kept as its source.
/// </summary>
internal sealed class HclTemplateParser(HclParseContext context, HclExpressionParser expressions)
{
    private static readonly SearchValues<char> QuotedSpecials = SearchValues.Create("\\$%");
    private static readonly SearchValues<char> HeredocSpecials = SearchValues.Create("$%");

    /// <summary>A quoted string: Text when literal, Expression (its source without the quotes) when it interpolates.</summary>
    public InfraScalar? ParseQuoted()
    {
        var open = context.Next();
        var (decoded, dynamic, closeStart) = ParseTemplateParts(Kind.CloseQuote, quoted: true);
        if (context.Failed) return null;
        return dynamic
            ? Scalar(context.Text[open.End..closeStart], ScalarKind.Expression, open.Start)
            : Scalar(decoded, ScalarKind.Text, open.Start);
    }

    /// <summary>A heredoc: its content as Text (indent stripped for <c>&lt;&lt;-</c>), or as Expression when it interpolates.</summary>
    public InfraScalar? ParseHeredoc()
    {
        var open = context.Next();
        var indented = context.Text[open.Start + 2] == '-';
        var (decoded, dynamic, closeStart) = ParseTemplateParts(Kind.CloseHeredoc, quoted: false);
        if (context.Failed) return null;
        return dynamic
            ? Scalar(context.Text[open.End..closeStart], ScalarKind.Expression, open.Start)
            : Scalar(indented ? StripIndent(decoded) : decoded, ScalarKind.Text, open.Start);
    }

    /// <summary>
    /// The pieces of a quoted string or heredoc up to its closer: the decoded text, whether any <c>${ }</c> or
    /// <c>%{ }</c> made it dynamic, and where the closer starts.
    /// </summary>
    private (string Text, bool Dynamic, int CloseStart) ParseTemplateParts(Kind closer, bool quoted)
    {
        var builder = new StringBuilder();
        var dynamic = false;
        List<bool>? directives = null; // open %{ if } (true) and %{ for } (false)
        while (true)
        {
            var token = context.PeekRaw(0);
            if (token.Kind == closer)
            {
                context.Next();
                if (directives is { Count: > 0 })
                {
                    context.Error(directives[^1] ? "'%{ if }' has no matching '%{ endif }'" : "'%{ for }' has no matching '%{ endfor }'", token.Start);
                }

                return (builder.ToString(), dynamic, token.Start);
            }

            switch (token.Kind)
            {
                case Kind.TemplateLiteral:
                    context.Next();
                    AppendLiteral(builder, token, quoted);
                    break;
                case Kind.TemplateInterpolation:
                    context.Next();
                    dynamic = true;
                    ParseInterpolation();
                    break;
                case Kind.TemplateDirective:
                    context.Next();
                    dynamic = true;
                    ParseDirective(ref directives);
                    break;
                default:
                    context.Fail($"expected the rest of the template, found {context.Describe(token)}", token.Start);
                    break;
            }

            if (context.Failed) return ("", false, 0);
        }
    }

    private void ParseInterpolation()
    {
        var saved = context.NewlinesSignificant;
        context.NewlinesSignificant = false;
        context.Accept(Kind.Tilde);
        expressions.ParseExpression();
        if (context.Failed) return;
        context.Accept(Kind.Tilde);
        context.Expect(Kind.TemplateEnd, "'}' to close the interpolation");
        context.NewlinesSignificant = saved;
    }

    private void ParseDirective(ref List<bool>? open)
    {
        var saved = context.NewlinesSignificant;
        context.NewlinesSignificant = false;
        context.Accept(Kind.Tilde);
        var keyword = context.Peek();
        var name = keyword.Kind == Kind.Identifier ? context.TextOf(keyword).ToString() : "";
        switch (name)
        {
            case "if":
                context.Next();
                expressions.ParseExpression();
                (open ??= []).Add(true);
                break;
            case "for":
                context.Next();
                if (!context.Expect(Kind.Identifier, "a variable name after 'for'")) return;
                if (context.Accept(Kind.Comma) && !context.Expect(Kind.Identifier, "a second variable name after ','")) return;
                if (!expressions.ExpectKeyword("in", "'in' in the for directive")) return;
                expressions.ParseExpression();
                (open ??= []).Add(false);
                break;
            case "else" or "endif" or "endfor":
                context.Next();
                var wantsIf = name != "endfor";
                if (open is not { Count: > 0 } || open[^1] != wantsIf)
                {
                    context.Error($"'%{{ {name} }}' without a matching '%{{ {(wantsIf ? "if" : "for")} }}'", keyword.Start);
                }
                else if (name != "else")
                {
                    open.RemoveAt(open.Count - 1);
                }

                break;
            default:
                context.Fail($"expected if, else, endif, for or endfor in the template directive, found {context.Describe(keyword)}", keyword.Start);
                return;
        }

        if (context.Failed) return;
        context.Accept(Kind.Tilde);
        context.Expect(Kind.TemplateEnd, "'}' to close the template directive");
        context.NewlinesSignificant = saved;
    }

    /// <summary>Appends a literal piece, decoding <c>$${</c>, <c>%%{</c> and, in quoted strings, backslash escapes.</summary>
    private void AppendLiteral(StringBuilder builder, HclToken token, bool quoted)
    {
        var text = context.TextOf(token);
        var specials = quoted ? QuotedSpecials : HeredocSpecials;
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAny(specials);
            if (next < 0)
            {
                builder.Append(text[i..]);
                return;
            }

            builder.Append(text.Slice(i, next));
            i += next;
            var c = text[i];
            if (c != '\\')
            {
                var escaped = i + 2 < text.Length && text[i + 1] == c && text[i + 2] == '{';
                builder.Append(c);
                if (escaped) builder.Append('{');
                i += escaped ? 3 : 1;
                continue;
            }

            i += AppendEscape(builder, text, i, token.Start + i);
        }
    }

    /// <summary>Decodes the backslash escape at <paramref name="at"/>; returns its length.</summary>
    private int AppendEscape(StringBuilder builder, ReadOnlySpan<char> text, int at, int offset)
    {
        if (at + 1 >= text.Length)
        {
            builder.Append('\\');
            return 1;
        }

        var code = text[at + 1];
        switch (code)
        {
            case 'n': builder.Append('\n'); return 2;
            case 'r': builder.Append('\r'); return 2;
            case 't': builder.Append('\t'); return 2;
            case '"': builder.Append('"'); return 2;
            case '\\': builder.Append('\\'); return 2;
            case 'u' or 'U':
                var digits = code == 'u' ? 4 : 8;
                if (at + 2 + digits <= text.Length
                    && int.TryParse(text.Slice(at + 2, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var scalar)
                    && scalar is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF))
                {
                    builder.Append(char.ConvertFromUtf32(scalar));
                    return 2 + digits;
                }

                context.Error($"invalid unicode escape: '\\{code}' needs {digits} hex digits of a valid character", offset);
                builder.Append(code);
                return 2;
            default:
                context.Error($"invalid escape sequence '\\{code}'", offset);
                builder.Append(code);
                return 2;
        }
    }

    /// <summary><c>&lt;&lt;-</c> removes the smallest indentation (in spaces) of the non-blank lines from every line.</summary>
    private static string StripIndent(string text)
    {
        var lines = text.Split('\n');
        var indent = int.MaxValue;
        foreach (var line in lines)
        {
            var spaces = 0;
            while (spaces < line.Length && line[spaces] == ' ') spaces++;
            if (!string.IsNullOrWhiteSpace(line)) indent = Math.Min(indent, spaces);
        }

        if (indent is 0 or int.MaxValue) return text;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var spaces = 0;
            while (spaces < Math.Min(indent, line.Length) && line[spaces] == ' ') spaces++;
            lines[i] = line[spaces..];
        }

        return string.Join('\n', lines);
    }

    private InfraScalar Scalar(string text, ScalarKind kind, int offset)
    {
        var (line, column) = context.Locate(offset);
        return context.Count(new InfraScalar(text, kind, line, column));
    }
}
