using System.Text;
using System.Text.RegularExpressions;

namespace Bulwark.Scanning;

/// <summary>
/// One gitignore-style pattern (also used for <c>--exclude</c>): <c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>**</c>,
/// a leading <c>!</c> to re-include, a trailing <c>/</c> for directories only, and a slash anywhere but the end
/// anchoring it to its base directory. Compiled to a non-backtracking regex.
/// </summary>
public sealed class GlobPattern
{
    private readonly Regex _regex;

    private GlobPattern(Regex regex, bool negated, bool directoryOnly)
    {
        _regex = regex;
        Negated = negated;
        DirectoryOnly = directoryOnly;
    }

    public bool Negated { get; }

    public bool DirectoryOnly { get; }

    /// <summary>Parses one line; null for blank lines and comments.</summary>
    public static GlobPattern? Parse(string line)
    {
        var text = line.TrimEnd('\r');
        if (!text.EndsWith("\\ ", StringComparison.Ordinal)) text = text.TrimEnd(' ', '\t');
        if (text.Length == 0 || text[0] == '#') return null;

        var negated = text[0] == '!';
        if (negated) text = text[1..];
        else if (text.StartsWith("\\!", StringComparison.Ordinal) || text.StartsWith("\\#", StringComparison.Ordinal)) text = text[1..];

        var directoryOnly = text.EndsWith('/');
        if (directoryOnly) text = text.TrimEnd('/');
        if (text.Length == 0) return null;

        var anchored = text.Contains('/');
        text = text.TrimStart('/');
        var regex = new StringBuilder("^");
        if (!anchored) regex.Append("(?:.*/)?");
        AppendGlob(regex, text);
        regex.Append('$');
        return new GlobPattern(new Regex(regex.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant), negated, directoryOnly);
    }

    /// <param name="relativePath">Path relative to the pattern's base directory, with '/' separators.</param>
    public bool IsMatch(string relativePath, bool isDirectory) => (!DirectoryOnly || isDirectory) && _regex.IsMatch(relativePath);

    private static void AppendGlob(StringBuilder regex, string glob)
    {
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    var slashBefore = i == 0 || glob[i - 1] == '/';
                    var slashAfter = i + 2 < glob.Length && glob[i + 2] == '/';
                    if (slashBefore && slashAfter)
                    {
                        regex.Append("(?:.*/)?"); // "**/" matches zero or more directories
                        i += 2;
                    }
                    else
                    {
                        regex.Append(".*");
                        i++;
                    }
                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        regex.Append("\\[");
                        break;
                    }
                    var body = glob[(i + 1)..close];
                    if (body.StartsWith('!')) body = "^" + body[1..];
                    regex.Append('[').Append(body.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < glob.Length:
                    regex.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
    }
}
