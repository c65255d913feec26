namespace Bulwark.Scanning;

/// <summary>
/// The ignore rules in force in one directory: those of its parents plus its own <c>.gitignore</c>.
/// As in git, the last matching pattern wins and a <c>!</c> pattern re-includes.
/// </summary>
public sealed class IgnoreRules
{
    /// <summary>A .gitignore over this size is not read (with a note): real ones are tiny.</summary>
    public const long MaxIgnoreFileBytes = 1024 * 1024;

    private readonly IReadOnlyList<(string BaseDirectory, GlobPattern Pattern)> _patterns;

    private IgnoreRules(IReadOnlyList<(string, GlobPattern)> patterns) => _patterns = patterns;

    public static IgnoreRules Empty { get; } = new([]);

    /// <summary>Rules for a child directory: these plus the patterns of its own ignore file.</summary>
    /// <param name="relativeDirectory">The directory relative to the scan root ("" for the root).</param>
    public IgnoreRules With(string relativeDirectory, IEnumerable<string> lines)
    {
        var added = lines.Select(GlobPattern.Parse).OfType<GlobPattern>().Select(p => (relativeDirectory, p)).ToList();
        return added.Count == 0 ? this : new IgnoreRules([.. _patterns, .. added]);
    }

    public bool IsIgnored(string relativePath, bool isDirectory)
    {
        for (var i = _patterns.Count - 1; i >= 0; i--)
        {
            var (baseDirectory, pattern) = _patterns[i];
            string local;
            if (baseDirectory.Length == 0) local = relativePath;
            else if (relativePath.StartsWith(baseDirectory + "/", StringComparison.Ordinal)) local = relativePath[(baseDirectory.Length + 1)..];
            else continue;
            if (pattern.IsMatch(local, isDirectory)) return !pattern.Negated;
        }
        return false;
    }
}
