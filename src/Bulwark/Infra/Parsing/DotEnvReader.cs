using System.Text;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Reads .env lines as docker compose and python-dotenv do: <c>[export] KEY=value</c>, spaces around <c>=</c>, an
/// unquoted value loses a trailing <c> # comment</c>, single quotes are literal, double quotes decode <c>\n</c>,
/// <c>\t</c>, <c>\"</c>, <c>\\</c>…, and quoted values may span lines. A malformed line is reported and skipped.
/// </summary>
internal sealed class DotEnvReader(string text, TextParseBudget budget)
{
    private int position = text.StartsWith('\uFEFF') ? 1 : 0;
    private int line = 1;
    private int lineStart = text.StartsWith('\uFEFF') ? 1 : 0;

    // Where a quote was found never to close: a later quote of that kind cannot close either, so hostile files of
    // unterminated quotes are read in linear time, not one scan to the end per line.
    private int singleNeverClosesAfter = int.MaxValue;
    private int doubleNeverClosesAfter = int.MaxValue;

    public bool AtEnd => position >= text.Length;

    /// <summary>The binding of the next line, or null for a blank, comment or malformed line (then reported).</summary>
    public InfraEntry? ReadLine()
    {
        SkipBlanks();
        if (AtLineEnd() || text[position] == '#') return NextLine(null);
        if (text.AsSpan(position).StartsWith("export", StringComparison.Ordinal) && position + 6 < text.Length && text[position + 6] is ' ' or '\t')
        {
            position += 6;
            SkipBlanks();
        }
        var (keyLine, keyColumn) = Place();
        var keyStart = position;
        while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] != '=') position++;
        var key = text[keyStart..position];
        if (!IsKey(key)) return Fail<InfraEntry>($"invalid variable name '{TextParseBudget.Shorten(key)}': it must start with a letter or '_' and hold only letters, digits, '_', '.' and '-'", keyLine, keyColumn);
        if (!budget.Spend(1, keyLine, keyColumn)) return null;
        SkipBlanks();
        if (AtLineEnd() || text[position] == '#')
        {
            // KEY alone: set without a value (python-dotenv's None; compose takes it from the environment).
            return NextLine(new InfraEntry(key, new InfraScalar("", ScalarKind.Null, keyLine, keyColumn), keyLine, keyColumn));
        }
        if (text[position] != '=') return Fail<InfraEntry>($"expected '=' after {TextParseBudget.Shorten(key)}", Place());
        position++;
        SkipBlanks();
        var (valueLine, valueColumn) = Place();
        var quoted = !AtLineEnd() && text[position] is '\'' or '"';
        var value = AtLineEnd() ? "" : text[position] switch
        {
            '\'' => ReadSingleQuoted(),
            '"' => ReadDoubleQuoted(),
            _ => ReadUnquoted(),
        };
        if (value is null) return null;
        if (quoted)
        {
            SkipBlanks();
            if (!AtLineEnd() && text[position] != '#') return Fail<InfraEntry>($"unexpected text after the closing quote of {TextParseBudget.Shorten(key)}", Place());
        }
        return NextLine(new InfraEntry(key, new InfraScalar(value, ScalarKind.Text, valueLine, valueColumn), keyLine, keyColumn));
    }

    private string ReadUnquoted()
    {
        var end = text.IndexOf('\n', position);
        if (end < 0) end = text.Length;
        for (var i = position + 1; i < end; i++)
        {
            // '#' starts a comment only after white space: KEY=a#b keeps "a#b".
            if (text[i] == '#' && text[i - 1] is ' ' or '\t')
            {
                end = i;
                break;
            }
        }
        var value = text.AsSpan(position, end - position).TrimEnd().ToString();
        position = end;
        return value;
    }

    private string? ReadSingleQuoted()
    {
        var open = position;
        var close = open > singleNeverClosesAfter ? -1 : text.IndexOf('\'', open + 1);
        if (close < 0)
        {
            singleNeverClosesAfter = Math.Min(singleNeverClosesAfter, open);
            return Fail<string>("unterminated single-quoted value", Place());
        }
        Advance(close + 1);
        return text[(open + 1)..close].Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private string? ReadDoubleQuoted()
    {
        var open = position;
        var value = new StringBuilder();
        var i = open > doubleNeverClosesAfter ? text.Length : open + 1;
        for (; i < text.Length && text[i] != '"'; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') continue;
            if (c != '\\' || i + 1 >= text.Length)
            {
                value.Append(c);
                continue;
            }
            var next = text[++i];
            // Other escapes (\$, \x…) stay as written, as python-dotenv keeps them.
            value.Append(next switch { 'n' => "\n", 'r' => "\r", 't' => "\t", '"' or '\\' or '\'' => next.ToString(), _ => string.Concat("\\", next.ToString()) });
        }
        if (i >= text.Length)
        {
            doubleNeverClosesAfter = Math.Min(doubleNeverClosesAfter, open);
            return Fail<string>("unterminated double-quoted value", Place());
        }
        Advance(i + 1);
        return value.ToString();
    }

    private static bool IsKey(string key) =>
        key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_')
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>Reports the error and skips the rest of the line (the line of the opening quote for a quoted value).</summary>
    private T? Fail<T>(string message, (int Line, int Column) place) where T : class => Fail<T>(message, place.Line, place.Column);

    private T? Fail<T>(string message, int errorLine, int errorColumn) where T : class
    {
        budget.Error(message, errorLine, errorColumn);
        NextLine(null);
        return null;
    }

    private InfraEntry? NextLine(InfraEntry? entry)
    {
        var end = text.IndexOf('\n', position);
        if (end < 0)
        {
            position = text.Length;
            return entry;
        }
        position = lineStart = end + 1;
        line++;
        return entry;
    }

    /// <summary>Moves past a quoted value that may span lines, keeping the line count.</summary>
    private void Advance(int to)
    {
        for (; position < to; position++)
        {
            if (text[position] != '\n') continue;
            line++;
            lineStart = position + 1;
        }
    }

    private void SkipBlanks()
    {
        while (position < text.Length && text[position] is ' ' or '\t') position++;
    }

    private bool AtLineEnd() =>
        position >= text.Length || text[position] == '\n'
        || (text[position] == '\r' && (position + 1 == text.Length || text[position + 1] == '\n'));

    private (int Line, int Column) Place() => (line, position - lineStart + 1);
}
