using Bulwark.Kernel;

namespace Bulwark.Scanning;

/// <summary>
/// Lists the files under the scan roots: honours <c>.gitignore</c> files and <c>--exclude</c> globs, never
/// enters <c>.git</c>, does not follow directory symlinks (no loops, no escape), follows a file symlink only when
/// its target stays inside the root, and stops at the depth limit. Problems become notes, not failures.
/// </summary>
public sealed class FileWalker(ScanLimits limits, IReadOnlyList<string> excludes, bool useGitIgnore)
{
    private readonly IgnoreRules _excludes = IgnoreRules.Empty.With("", excludes);

    public IEnumerable<ScanTarget> Walk(string root, List<ScanNote> notes)
    {
        if (File.Exists(root))
        {
            var info = new FileInfo(root);
            yield return new ScanTarget(info.FullName, root, info.Name, info.Length);
            yield break;
        }
        if (!Directory.Exists(root)) throw new BulwarkInputException($"path '{root}' does not exist");

        var rootFull = Path.GetFullPath(root);
        var stack = new Stack<(DirectoryInfo Directory, string Relative, IgnoreRules Rules, int Depth)>();
        stack.Push((new DirectoryInfo(rootFull), "", IgnoreRules.Empty, 0));
        while (stack.Count > 0)
        {
            var (directory, relative, inherited, depth) = stack.Pop();
            var rules = useGitIgnore ? WithGitIgnore(inherited, directory, relative, notes, root) : inherited;
            FileSystemInfo[] entries;
            try
            {
                entries = directory.GetFileSystemInfos();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                notes.Add(new ScanNote(ScanNoteKind.Unreadable, Display(root, relative), $"cannot list directory: {e.Message}"));
                continue;
            }

            var subdirectories = new List<(DirectoryInfo, string)>();
            foreach (var entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                var childRelative = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                var isDirectory = entry is DirectoryInfo;
                if (isDirectory && entry.Name == ".git") continue;
                if (_excludes.IsIgnored(childRelative, isDirectory) || rules.IsIgnored(childRelative, isDirectory)) continue;

                if (entry.LinkTarget is not null)
                {
                    if (ResolveInsideRoot(entry, rootFull, isDirectory) is { } target)
                        yield return new ScanTarget(target.FullName, Display(root, childRelative), childRelative, target.Length);
                    else
                        notes.Add(new ScanNote(ScanNoteKind.SkippedSymlink, Display(root, childRelative),
                            isDirectory ? "directory symlink not followed" : "symlink points outside the scanned tree or nowhere"));
                    continue;
                }

                if (entry is DirectoryInfo subdirectory)
                {
                    if (depth + 1 > limits.MaxDepth)
                        notes.Add(new ScanNote(ScanNoteKind.SkippedTooDeep, Display(root, childRelative), $"deeper than the depth limit ({limits.MaxDepth})"));
                    else
                        subdirectories.Add((subdirectory, childRelative));
                }
                else if (entry is FileInfo file)
                {
                    yield return new ScanTarget(file.FullName, Display(root, childRelative), childRelative, file.Length);
                }
            }

            // Push in reverse so directories are visited in name order.
            for (var i = subdirectories.Count - 1; i >= 0; i--) stack.Push((subdirectories[i].Item1, subdirectories[i].Item2, rules, depth + 1));
        }
    }

    private static IgnoreRules WithGitIgnore(IgnoreRules inherited, DirectoryInfo directory, string relative, List<ScanNote> notes, string root)
    {
        var path = Path.Combine(directory.FullName, ".gitignore");
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return inherited;
            if (info.Length > IgnoreRules.MaxIgnoreFileBytes)
            {
                notes.Add(new ScanNote(ScanNoteKind.SkippedTooLarge, Display(root, Combine(relative, ".gitignore")), "ignore file too large; not applied"));
                return inherited;
            }
            return inherited.With(relative, File.ReadLines(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add(new ScanNote(ScanNoteKind.Unreadable, Display(root, Combine(relative, ".gitignore")), $"cannot read: {e.Message}"));
            return inherited;
        }
    }

    private static FileInfo? ResolveInsideRoot(FileSystemInfo link, string rootFull, bool isDirectory)
    {
        if (isDirectory) return null;
        try
        {
            var target = link.ResolveLinkTarget(returnFinalTarget: true);
            if (target is not FileInfo { Exists: true } file) return null;
            var inside = file.FullName.StartsWith(rootFull.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            return inside ? file : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Combine(string relative, string name) => relative.Length == 0 ? name : relative + "/" + name;

    private static string Display(string root, string relative) =>
        relative.Length == 0 ? root : Path.Join(root, relative.Replace('/', Path.DirectorySeparatorChar));
}
