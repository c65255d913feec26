using System.Text;

namespace Bulwark.Infra.Probe;

/// <summary>
/// A version string as a server states it, made safe to print: first line, surrounding quotes dropped, only
/// characters that versions use, at most 64 of them. Anything that looks like a page or a document is no version.
/// </summary>
internal static class VersionText
{
    private const int MaxLength = 64;

    public static string? Clean(string? raw)
    {
        if (raw is null) return null;
        var line = raw.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        if (end >= 0) line = line[..end];
        line = line.Trim().Trim('"').Trim();
        if (line.IsEmpty || line[0] is '<' or '{' or '[') return null;
        var text = new StringBuilder(Math.Min(line.Length, MaxLength));
        foreach (var c in line)
        {
            if (text.Length == MaxLength) break;
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '_' or '~' or ' ' or '(' or ')' or ':' or '/' or '@' ? c : '?');
        }
        var version = text.ToString().Trim();
        return version.Length == 0 ? null : version;
    }
}
