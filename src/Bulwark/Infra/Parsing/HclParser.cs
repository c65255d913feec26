using Kind = Bulwark.Infra.Parsing.HclTokenKind;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Reads a Terraform <c>.tf</c> file (HCL native syntax) into the value tree. An attribute is an entry whose value is
/// the expression's value; a block is an entry keyed by its type whose value is its body, an <see cref="InfraMap"/>
/// with the block's labels. Top-level <c>resource</c>, <c>data</c>, <c>module</c>, <c>variable</c> and <c>locals</c>
/// blocks become resources. Never throws: a syntax error is recorded, the broken item is skipped to its end, and
/// parsing goes on, so the resources around the error are still checked.
/// </summary>
public sealed class HclParser
{
    private readonly HclParseContext _context;
    private readonly HclExpressionParser _expressions;
    private readonly string _path;
    private readonly List<InfraResource> _resources = [];

    private HclParser(HclParseContext context, string path)
    {
        _context = context;
        _expressions = new HclExpressionParser(context);
        _path = path;
    }

    private enum BodyEnd
    {
        Closed,
        Unclosed,
        Broken,
    }

    public static InfraFile Parse(string path, string text, InfraParseLimits limits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);
        var parser = new HclParser(new HclParseContext(text, limits), path);
        parser.ParseBody(null, []);
        return new InfraFile(path, InfraFormat.Terraform, parser._resources, parser._context.Errors.ToList());
    }

    /// <summary>
    /// Whether a top-level block plainly starts at <paramref name="lineStart"/>: <c>resource "</c>, <c>locals {</c> and
    /// the like at column 1. Recovery uses it to stop a broken block, string or heredoc from swallowing the next block.
    /// </summary>
    internal static bool StartsTopLevelBlock(string text, int lineStart, int limit)
    {
        var end = lineStart;
        while (end < limit && HclLexer.IsIdentifierPart(text[end])) end++;
        if (end == lineStart || !IsTopLevelKeyword(text.AsSpan(lineStart, end - lineStart))) return false;
        while (end < limit && text[end] is ' ' or '\t') end++;
        return end < limit && text[end] is '"' or '{';
    }

    private static bool IsTopLevelKeyword(ReadOnlySpan<char> word) =>
        word is "resource" or "data" or "module" or "variable" or "output" or "locals" or "provider" or "terraform"
            or "moved" or "import" or "check" or "removed";

    private bool AtTopLevelBlock(HclToken token) =>
        token.Kind == Kind.Identifier && (token.Start == 0 || _context.Text[token.Start - 1] == '\n')
        && StartsTopLevelBlock(_context.Text, token.Start, _context.Text.Length);

    /// <summary>
    /// Parses body items into <paramref name="entries"/> up to the closing brace of <paramref name="open"/> (not taken),
    /// or to the end of the file for the top level (<paramref name="open"/> null).
    /// </summary>
    private BodyEnd ParseBody(HclToken? open, List<InfraEntry> entries)
    {
        while (true)
        {
            _context.NewlinesSignificant = true;
            _context.SkipNewlines();
            var token = _context.PeekRaw(0);
            if (_context.Stopped) return BodyEnd.Broken;
            if (token.Kind == Kind.EndOfFile) return open is null ? BodyEnd.Closed : BodyEnd.Unclosed;
            if (open is not null && token.Kind == Kind.CloseBrace) return BodyEnd.Closed;
            if (open is not null && AtTopLevelBlock(token)) return BodyEnd.Unclosed;

            var itemDepth = open is { } o ? o.Depth + 1 : token.Depth;
            var mark = _context.Consumed;
            ParseItem(entries, topLevel: open is null);
            if (!_context.Failed) ExpectItemEnd(open);
            if (!_context.Failed) continue;
            if (_context.Stopped || !Recover(itemDepth, nested: open is not null)) return BodyEnd.Broken;
            _context.Failed = false;
            var next = _context.PeekRaw(0);
            var closesBody = open is not null && next.Kind == Kind.CloseBrace;
            if (_context.Consumed == mark && next.Kind != Kind.EndOfFile && !closesBody) _context.Skip(); // always move on
        }
    }

    /// <summary>After an item: a newline, the end of the file, or the body's closing brace (one-line blocks).</summary>
    private void ExpectItemEnd(HclToken? open)
    {
        var next = _context.PeekRaw(0);
        if (next.Kind is Kind.Newline or Kind.EndOfFile) return;
        if (open is not null && (next.Kind == Kind.CloseBrace || AtTopLevelBlock(next))) return;
        _context.Fail($"expected a newline after the item, found {_context.Describe(next)}", next.Start);
    }

    /// <summary>
    /// Skips the rest of a broken item: to the next newline back at the body's own depth, to the brace that closes the
    /// body, or to a line that plainly starts a new top-level block. False when the body itself cannot go on.
    /// </summary>
    private bool Recover(int bodyDepth, bool nested)
    {
        while (true)
        {
            var token = _context.PeekRaw(0);
            if (token.Kind == Kind.EndOfFile || AtTopLevelBlock(token)) return !nested; // one error, not one per enclosing block
            if (token.IsCloser && token.Depth < bodyDepth)
            {
                if (nested) return true; // the body's own '}' (or a stray closer the body loop reports)
            }
            else if (token.Kind == Kind.Newline && token.Depth <= bodyDepth)
            {
                _context.Skip();
                return true;
            }

            _context.Skip();
        }
    }

    private void ParseItem(List<InfraEntry> entries, bool topLevel)
    {
        var nameToken = _context.PeekRaw(0);
        if (nameToken.Kind != Kind.Identifier)
        {
            var message = nameToken.Kind == Kind.Invalid
                ? $"unexpected character {_context.Describe(nameToken)}"
                : $"expected an attribute or a block, found {_context.Describe(nameToken)}";
            _context.Fail(message, nameToken.Start);
            return;
        }

        _context.Next();
        var name = _context.TextOf(nameToken).ToString();
        var (line, column) = _context.Locate(nameToken.Start);
        if (_context.Accept(Kind.Assign))
        {
            var value = _expressions.ParseExpression();
            if (!_context.Failed) entries.Add(new InfraEntry(name, _expressions.Materialize(value), line, column));
            return;
        }

        var labels = ParseLabels(name);
        if (labels is null) return;
        var open = _context.Next();
        if (!_context.Enter(open.Start)) return;
        var body = new List<InfraEntry>();
        var end = ParseBody(open, body);
        _context.Leave();
        var block = _context.Count(new InfraMap(body, line, column) { Labels = labels });
        entries.Add(new InfraEntry(name, block, line, column));
        if (topLevel) AddResource(name, block);
        if (end == BodyEnd.Closed) _context.Next();
        else if (end == BodyEnd.Unclosed) _context.Fail($"'{name}' block is never closed: '{{' has no matching '}}'", open.Start);
    }

    /// <summary>The labels before a block's '{' (quoted strings or identifiers); null after an error.</summary>
    private List<string>? ParseLabels(string name)
    {
        var labels = new List<string>();
        while (true)
        {
            var token = _context.PeekRaw(0);
            switch (token.Kind)
            {
                case Kind.OpenBrace:
                    return labels;
                case Kind.Identifier:
                    _context.Next();
                    labels.Add(_context.TextOf(token).ToString());
                    break;
                case Kind.OpenQuote:
                    var label = _expressions.ParseQuoted();
                    if (label is null) return null;
                    if (label.Kind != ScalarKind.Text) _context.Error($"the labels of the '{name}' block must be literal strings", token.Start);
                    labels.Add(label.Text);
                    break;
                default:
                    var expected = labels.Count == 0 ? $"'=' or a block after '{name}'" : $"another label or '{{' in the '{name}' block";
                    _context.Fail($"expected {expected}, found {_context.Describe(token)}", token.Start);
                    return null;
            }
        }
    }

    /// <summary>Top-level blocks that checks read, by how Terraform addresses them.</summary>
    private void AddResource(string keyword, InfraMap body)
    {
        var labels = body.Labels;
        var (type, name, address, wanted) = keyword switch
        {
            "resource" when labels.Count == 2 => (labels[0], labels[1], $"{labels[0]}.{labels[1]}", 2),
            "data" when labels.Count == 2 => ($"data:{labels[0]}", labels[1], $"data.{labels[0]}.{labels[1]}", 2),
            "module" when labels.Count == 1 => ("module", labels[0], $"module.{labels[0]}", 1),
            "variable" when labels.Count == 1 => ("variable", labels[0], $"var.{labels[0]}", 1),
            "locals" => ("locals", "locals", "locals", 0),
            "resource" or "data" => ("", "", "", 2),
            "module" or "variable" => ("", "", "", 1),
            _ => ("", "", "", -1),
        };
        if (address.Length > 0)
        {
            _resources.Add(new InfraResource(type, name, address, _path, body));
        }
        else if (wanted > 0)
        {
            var what = wanted == 2 ? "two labels (type and name)" : "one label (its name)";
            _context.Errors.Add($"a '{keyword}' block needs {what}, found {labels.Count}", body.Line, body.Column);
        }
    }
}
