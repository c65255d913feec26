using System.Text;
using System.Text.RegularExpressions;

namespace Bulwark.Governance.Inventory;

/// <summary>
/// The common part of <c>.gitignore</c> (and <c>.bulwarkignore</c>) for the inventory's walk: comments, <c>*</c>,
/// <c>?</c>, <c>**</c>, a trailing <c>/</c> for directories, a leading or inner <c>/</c> anchoring the pattern to the
/// file's folder. Negations (<c>!</c>) and character classes are not supported and are skipped: the inventory then
/// looks at more files, never fewer. (The scanner's full implementation lives in <c>Scanning</c>, outside this pillar.)
/// </summary>
internal sealed class IgnoreFiles
{
    public const long MaxFileBytes = 1024 * 1024;
    public const int MaxPatterns = 10_000;

    private static readonly string[] FileNames = [".gitignore", ".bulwarkignore"];

    private readonly List<(Regex Pattern, bool DirectoryOnly)> _rules;

    private IgnoreFiles(List<(Regex, bool)> rules) => _rules = rules;

    public static IgnoreFiles Empty { get; } = new([]);

    /// <summary>These rules plus those of the ignore files in <paramref name="directory"/> (its path relative to the root: <paramref name="relative"/>).</summary>
    public IgnoreFiles With(DirectoryInfo directory, string relative)
    {
        List<(Regex, bool)>? added = null;
        foreach (var name in FileNames)
        {
            var path = Path.Combine(directory.FullName, name);
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists || info.Length > MaxFileBytes) continue;
                foreach (var line in File.ReadLines(path))
                {
                    if (_rules.Count + (added?.Count ?? 0) >= MaxPatterns) break;
                    if (Compile(line, relative) is { } rule) (added ??= [.. _rules]).Add(rule);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable ignore file ignores nothing.
            }
        }
        return added is null ? this : new IgnoreFiles(added);
    }

    public bool IsIgnored(string relativePath, bool isDirectory) =>
        _rules.Any(r => (isDirectory || !r.DirectoryOnly) && r.Pattern.IsMatch(relativePath));

    private static (Regex, bool)? Compile(string raw, string relative)
    {
        var line = raw.TrimEnd();
        if (line.Length == 0 || line[0] == '#' || line[0] == '!' || line.Contains('[', StringComparison.Ordinal)) return null;
        if (line.StartsWith("\\#", StringComparison.Ordinal)) line = line[1..];
        var directoryOnly = line.EndsWith('/');
        line = line.TrimEnd('/');
        if (line.Length == 0) return null;
        var anchored = line.Contains('/', StringComparison.Ordinal);
        line = line.TrimStart('/');
        var regex = new StringBuilder("^");
        if (relative.Length > 0) regex.Append(Regex.Escape(relative)).Append('/');
        if (!anchored) regex.Append("(?:.*/)?");
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '*' && i + 1 < line.Length && line[i + 1] == '*')
            {
                // "**/" matches zero or more folders; a bare "**" anything.
                if (i + 2 < line.Length && line[i + 2] == '/')
                {
                    regex.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    regex.Append(".*");
                    i++;
                }
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else regex.Append(Regex.Escape(c.ToString()));
        }
        // A pattern matching a folder also covers everything under it.
        regex.Append("(?:/.*)?$");
        return (new Regex(regex.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant), directoryOnly);
    }
}
