namespace Bulwark.Infra.Parsing;

/// <summary>
/// Parser directives (<c># syntax=…</c>, <c># escape=…</c>, <c># check=…</c>): only read at the very top of the file,
/// before any blank line, comment or instruction, as Docker does; an unknown directive ends them like a comment.
/// Only <c>escape</c> changes how the rest is read.
/// </summary>
internal static class DockerfileDirectives
{
    public const char DefaultEscape = '\\';

    public static char ReadEscape(DockerfileLines lines, TextParseBudget budget)
    {
        var escape = DefaultEscape;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < lines.Count; index++)
        {
            var line = lines[index];
            var indent = DockerfileLines.Indent(line);
            if (!TryParse(line, indent, out var name, out var valueStart)) break;
            if (name is not ("syntax" or "escape" or "check")) break;
            if (!seen.Add(name))
            {
                budget.Error($"only one {name} parser directive can be used", index + 1, indent + 1);
                continue;
            }
            if (name != "escape") continue;
            var value = line[valueStart..].TrimEnd();
            if (value is "\\" or "`") escape = value[0];
            else budget.Error("invalid escape token: it must be \\ or `", index + 1, valueStart + 1);
        }
        return escape;
    }

    /// <summary><c>#</c>, a name of letters and digits, <c>=</c>, a non-empty value; spaces allowed around each.</summary>
    private static bool TryParse(ReadOnlySpan<char> line, int indent, out string name, out int valueStart)
    {
        name = "";
        valueStart = 0;
        if (indent >= line.Length || line[indent] != '#') return false;
        var i = SkipSpace(line, indent + 1);
        var nameStart = i;
        if (i >= line.Length || !char.IsAsciiLetter(line[i])) return false;
        while (i < line.Length && char.IsAsciiLetterOrDigit(line[i])) i++;
        name = line[nameStart..i].ToString().ToLowerInvariant();
        i = SkipSpace(line, i);
        if (i >= line.Length || line[i] != '=') return false;
        valueStart = SkipSpace(line, i + 1);
        return valueStart < line.Length;
    }

    private static int SkipSpace(ReadOnlySpan<char> line, int i)
    {
        while (i < line.Length && line[i] is ' ' or '\t' or '\f') i++;
        return i;
    }
}
