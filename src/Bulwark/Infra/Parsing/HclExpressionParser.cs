using Kind = Bulwark.Infra.Parsing.HclTokenKind;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// An expression as parsed: a value when it is a literal, tuple, object or template, else only its source range.
/// References and calls become values only when something keeps them, so <c>a.b.c</c> does not build three.
/// </summary>
internal readonly record struct HclExpression(InfraValue? Value, int Start, int End);

/// <summary>
/// Recursive descent over HCL expressions: conditional, then binary operators by precedence climbing, then unary,
/// then traversals (<c>.a</c>, <c>[0]</c>, <c>[*]</c>, <c>.*</c>) on a primary. Recursion goes only through
/// <see cref="ParseExpression"/>, which counts depth, so nesting is bounded; operator chains are loops. As in HCL,
/// an expression spans lines only inside brackets, parentheses or an interpolation, where newlines are mere space.
/// </summary>
internal sealed class HclExpressionParser(HclParseContext context)
{
    private HclTemplateParser? _templates;

    private HclTemplateParser Templates => _templates ??= new HclTemplateParser(context, this);

    /// <summary>A quoted string at the parser's position (a block label, say); null after an error.</summary>
    public InfraScalar? ParseQuoted() => Templates.ParseQuoted();

    public HclExpression ParseExpression()
    {
        if (context.Failed || !context.Enter(context.Peek().Start)) return default;
        var result = ParseConditional();
        context.Leave();
        return result;
    }

    /// <summary>The value kept in the tree: literals and collections as they are, anything else as its trimmed source.</summary>
    public InfraValue Materialize(HclExpression expression)
    {
        if (expression.Value is { } value) return value;
        var (line, column) = context.Locate(expression.Start);
        var source = context.Text.AsSpan(expression.Start, expression.End - expression.Start).Trim();
        return context.Count(new InfraScalar(source.ToString(), ScalarKind.Expression, line, column));
    }

    /// <summary>An object key: an identifier or literal is its text; anything else its source.</summary>
    public string KeyText(HclExpression key) =>
        key.Value is InfraScalar scalar ? scalar.Text : context.Text.AsSpan(key.Start, key.End - key.Start).Trim().ToString();

    private HclExpression ParseConditional()
    {
        var condition = ParseBinary(1);
        if (context.Failed || !context.Is(Kind.Question)) return condition;
        context.Next();
        ParseExpression();
        if (context.Failed || !context.Expect(Kind.Colon, "':' in the conditional expression")) return default;
        ParseExpression();
        return context.Failed ? default : new HclExpression(null, condition.Start, context.LastEnd);
    }

    private static int Precedence(Kind kind) => kind switch
    {
        Kind.Or => 1,
        Kind.And => 2,
        Kind.Equal or Kind.NotEqual => 3,
        Kind.Less or Kind.LessEqual or Kind.Greater or Kind.GreaterEqual => 4,
        Kind.Plus or Kind.Minus => 5,
        Kind.Star or Kind.Slash or Kind.Percent => 6,
        _ => 0,
    };

    private HclExpression ParseBinary(int minimum)
    {
        var left = ParseUnary();
        while (!context.Failed)
        {
            var precedence = Precedence(context.Peek().Kind);
            if (precedence == 0 || precedence < minimum) break;
            context.Next();
            ParseBinary(precedence + 1); // left-associative: the right side binds only tighter operators
            left = new HclExpression(null, left.Start, context.LastEnd);
        }

        return context.Failed ? default : left;
    }

    private HclExpression ParseUnary()
    {
        var first = context.Peek();
        var operators = 0;
        while (context.Peek().Kind is Kind.Bang or Kind.Minus)
        {
            context.Next();
            operators++;
        }

        var operand = ParsePostfix();
        if (operators == 0 || context.Failed) return operand;
        if (operators == 1 && first.Kind == Kind.Minus && operand.Value is InfraScalar { Kind: ScalarKind.Number } number)
        {
            return new HclExpression(Scalar("-" + number.Text, ScalarKind.Number, first.Start), first.Start, context.LastEnd);
        }

        return new HclExpression(null, first.Start, context.LastEnd);
    }

    private HclExpression ParsePostfix()
    {
        var primary = ParsePrimary();
        var extended = false;
        while (!context.Failed)
        {
            var token = context.Peek();
            if (token.Kind == Kind.Dot)
            {
                context.Next();
                var name = context.Peek();
                if (name.Kind is not (Kind.Identifier or Kind.Number or Kind.Star))
                {
                    context.Fail($"expected an attribute name after '.', found {context.Describe(name)}", name.Start);
                    break;
                }

                context.Next();
            }
            else if (token.Kind == Kind.OpenBracket)
            {
                context.Next();
                var saved = context.NewlinesSignificant;
                context.NewlinesSignificant = false;
                if (!context.Accept(Kind.Star)) ParseExpression();
                if (!context.Failed) context.Expect(Kind.CloseBracket, "']' after the index");
                context.NewlinesSignificant = saved;
            }
            else
            {
                break;
            }

            extended = true;
        }

        if (context.Failed) return default;
        return extended ? new HclExpression(null, primary.Start, context.LastEnd) : primary;
    }

    private HclExpression ParsePrimary()
    {
        var token = context.Peek();
        switch (token.Kind)
        {
            case Kind.Number:
                context.Next();
                return Literal(context.TextOf(token).ToString(), ScalarKind.Number, token);
            case Kind.Identifier:
                return ParseIdentifier(token);
            case Kind.OpenQuote:
                var quoted = Templates.ParseQuoted();
                return quoted is null ? default : new HclExpression(quoted, token.Start, context.LastEnd);
            case Kind.OpenHeredoc:
                var heredoc = Templates.ParseHeredoc();
                return heredoc is null ? default : new HclExpression(heredoc, token.Start, context.LastEnd);
            case Kind.OpenBracket:
                return ParseTuple();
            case Kind.OpenBrace:
                return ParseObject();
            case Kind.OpenParen:
                context.Next();
                var saved = context.NewlinesSignificant;
                context.NewlinesSignificant = false;
                ParseExpression();
                if (!context.Failed) context.Expect(Kind.CloseParen, "')'");
                context.NewlinesSignificant = saved;
                return context.Failed ? default : new HclExpression(null, token.Start, context.LastEnd);
            case Kind.Invalid:
                context.Fail($"unexpected character {context.Describe(token)}", token.Start);
                return default;
            default:
                context.Fail($"expected an expression, found {context.Describe(token)}", token.Start);
                return default;
        }
    }

    private HclExpression ParseIdentifier(HclToken token)
    {
        context.Next();
        var name = context.TextOf(token);
        if (name is "true" or "false") return Literal(name.ToString(), ScalarKind.Boolean, token);
        if (name is "null") return Literal("null", ScalarKind.Null, token);

        // provider::aws::arn_parse(…): a provider-defined function.
        var namespaced = false;
        while (context.Peek().Kind == Kind.Colon && context.PeekRaw(1).Kind == Kind.Colon)
        {
            context.Next();
            context.Next();
            if (!context.Expect(Kind.Identifier, "a function name after '::'")) return default;
            namespaced = true;
        }

        if (context.Is(Kind.OpenParen)) return ParseCall(token);
        if (namespaced) context.Fail($"expected '(' after the function name, found {context.Describe(context.Peek())}", context.Peek().Start);
        return context.Failed ? default : new HclExpression(null, token.Start, token.End);
    }

    private HclExpression ParseCall(HclToken name)
    {
        context.Next();
        var saved = context.NewlinesSignificant;
        context.NewlinesSignificant = false;
        if (!context.Is(Kind.CloseParen))
        {
            while (true)
            {
                ParseExpression();
                if (context.Failed) return default;
                if (context.Accept(Kind.Ellipsis) || !context.Accept(Kind.Comma) || context.Is(Kind.CloseParen)) break;
            }
        }

        if (!context.Expect(Kind.CloseParen, $"',' or ')' in the call to '{context.TextOf(name)}'")) return default;
        context.NewlinesSignificant = saved;
        return new HclExpression(null, name.Start, context.LastEnd);
    }

    private HclExpression ParseTuple()
    {
        var open = context.Next();
        var saved = context.NewlinesSignificant;
        context.NewlinesSignificant = false;
        if (StartsFor()) return ParseFor(open, isObject: false, saved);
        var items = new List<InfraValue>();
        while (!context.Is(Kind.CloseBracket))
        {
            var item = ParseExpression();
            if (context.Failed) return default;
            items.Add(Materialize(item));
            if (!context.Accept(Kind.Comma)) break;
        }

        if (!context.Expect(Kind.CloseBracket, "',' or ']' in the tuple")) return default;
        context.NewlinesSignificant = saved;
        var (line, column) = context.Locate(open.Start);
        return new HclExpression(context.Count(new InfraList(items, line, column)), open.Start, context.LastEnd);
    }

    private HclExpression ParseObject()
    {
        var open = context.Next();
        var saved = context.NewlinesSignificant;
        context.NewlinesSignificant = true; // items end at a newline or a comma
        context.SkipNewlines();
        if (StartsFor())
        {
            context.NewlinesSignificant = false;
            return ParseFor(open, isObject: true, saved);
        }

        var entries = new List<InfraEntry>();
        while (true)
        {
            context.SkipNewlines();
            if (context.Is(Kind.CloseBrace)) break;
            var keyToken = context.Peek();
            var key = ParseExpression();
            if (context.Failed) return default;
            if (!context.Accept(Kind.Assign) && !context.Accept(Kind.Colon))
            {
                context.Fail($"expected '=' or ':' after the key '{KeyText(key)}', found {context.Describe(context.Peek())}", context.Peek().Start);
                return default;
            }

            var value = ParseExpression();
            if (context.Failed) return default;
            var (keyLine, keyColumn) = context.Locate(keyToken.Start);
            entries.Add(new InfraEntry(KeyText(key), Materialize(value), keyLine, keyColumn));
            if (context.Accept(Kind.Comma) || context.Peek().Kind is Kind.Newline or Kind.CloseBrace) continue;
            context.Fail($"expected ',', a newline or '}}' after the object item, found {context.Describe(context.Peek())}", context.Peek().Start);
            return default;
        }

        context.Next();
        context.NewlinesSignificant = saved;
        var (line, column) = context.Locate(open.Start);
        return new HclExpression(context.Count(new InfraMap(entries, line, column)), open.Start, context.LastEnd);
    }

    private bool StartsFor() => context.IsIdentifier(context.Peek(), "for") && context.PeekRaw(1).Kind == Kind.Identifier;

    /// <summary><c>[for x in y : z if c]</c> or <c>{for k, v in m : k => v... if c}</c>; kept as its source.</summary>
    private HclExpression ParseFor(HclToken open, bool isObject, bool savedNewlines)
    {
        context.Next();
        if (!context.Expect(Kind.Identifier, "a variable name after 'for'")) return default;
        if (context.Accept(Kind.Comma) && !context.Expect(Kind.Identifier, "a second variable name after ','")) return default;
        if (!ExpectKeyword("in", "'in' in the for expression")) return default;
        ParseExpression();
        if (context.Failed || !context.Expect(Kind.Colon, "':' after the collection of the for expression")) return default;
        ParseExpression();
        if (context.Failed) return default;
        if (isObject)
        {
            if (!context.Expect(Kind.FatArrow, "'=>' in the object for expression")) return default;
            ParseExpression();
            if (context.Failed) return default;
            context.Accept(Kind.Ellipsis);
        }

        if (context.IsIdentifier(context.Peek(), "if"))
        {
            context.Next();
            ParseExpression();
            if (context.Failed) return default;
        }

        if (!context.Expect(isObject ? Kind.CloseBrace : Kind.CloseBracket, isObject ? "'}' to end the for expression" : "']' to end the for expression")) return default;
        context.NewlinesSignificant = savedNewlines;
        return new HclExpression(null, open.Start, context.LastEnd);
    }

    /// <summary>Takes the identifier <paramref name="keyword"/> (<c>in</c>, <c>if</c>), or fails.</summary>
    public bool ExpectKeyword(string keyword, string what)
    {
        if (context.IsIdentifier(context.Peek(), keyword))
        {
            context.Next();
            return true;
        }

        context.Fail($"expected {what}, found {context.Describe(context.Peek())}", context.Peek().Start);
        return false;
    }

    private HclExpression Literal(string text, ScalarKind kind, HclToken token) =>
        new(Scalar(text, kind, token.Start), token.Start, token.End);

    private InfraScalar Scalar(string text, ScalarKind kind, int offset)
    {
        var (line, column) = context.Locate(offset);
        return context.Count(new InfraScalar(text, kind, line, column));
    }
}
