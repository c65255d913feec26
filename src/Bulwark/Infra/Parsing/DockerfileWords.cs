using System.Text;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Docker's word rules: words split on white space outside quotes, quotes group, the escape character takes the next
/// character along. Words are returned raw (quotes kept) with their offsets; <see cref="Unquote"/> then removes the
/// quotes and decodes the escapes as Docker's shell lexer does, leaving <c>$VAR</c> references as written.
/// </summary>
internal static class DockerfileWords
{
    /// <summary>The next raw word at or after <paramref name="position"/>, or false at the end of <paramref name="text"/>.</summary>
    public static bool Next(string text, ref int position, char escape, out int start, out int end)
    {
        var i = position;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        start = i;
        var quote = '\0';
        while (i < text.Length)
        {
            var c = text[i];
            if (quote == '\0' && char.IsWhiteSpace(c)) break;
            if (c == escape && quote != '\'') i += 2;
            else
            {
                if (quote == '\0' && c is '\'' or '"') quote = c;
                else if (c == quote) quote = '\0';
                i++;
            }
        }
        end = position = Math.Min(i, text.Length);
        return end > start;
    }

    /// <summary>All raw words of <paramref name="text"/> from <paramref name="from"/> on, as offset ranges.</summary>
    public static List<(int Start, int End)> Split(string text, int from, char escape)
    {
        var words = new List<(int Start, int End)>();
        while (Next(text, ref from, escape, out var start, out var end)) words.Add((start, end));
        return words;
    }

    /// <summary>
    /// The word with its quotes removed and escapes decoded: outside quotes the escape character takes any character,
    /// inside double quotes only <c>"</c>, <c>$</c> and itself, inside single quotes nothing.
    /// </summary>
    public static string Unquote(ReadOnlySpan<char> raw, char escape, out bool unterminated)
    {
        var text = new StringBuilder(raw.Length);
        var quote = '\0';
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = '\0';
                else text.Append(c);
            }
            else if (c == escape)
            {
                // An escape at the very end is dropped; in double quotes it escapes only ", $ and itself.
                if (i + 1 == raw.Length) continue;
                var next = raw[i + 1];
                if (quote == '"' && next != '"' && next != '$' && next != escape)
                {
                    text.Append(c); // kept, and the next character is read as usual
                    continue;
                }
                text.Append(next);
                i++;
            }
            else if (c == quote) quote = '\0';
            else if (quote == '\0' && c is '\'' or '"') quote = c;
            else text.Append(c);
        }
        unterminated = quote != '\0';
        return text.ToString();
    }
}
