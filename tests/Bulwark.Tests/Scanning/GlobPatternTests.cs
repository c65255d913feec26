using Bulwark.Scanning;

namespace Bulwark.Tests.Scanning;

public class GlobPatternTests
{
    [Theory]
    [InlineData("*.log", "a.log", false, true)]
    [InlineData("*.log", "dir/a.log", false, true)]
    [InlineData("*.log", "a.log.txt", false, false)]
    [InlineData("/root.txt", "root.txt", false, true)]
    [InlineData("/root.txt", "sub/root.txt", false, false)]
    [InlineData("build/", "build", true, true)]
    [InlineData("build/", "build", false, false)]
    [InlineData("docs/**/*.md", "docs/a/b/c.md", false, true)]
    [InlineData("docs/**/*.md", "docs/c.md", false, true)]
    [InlineData("**/node_modules", "x/y/node_modules", true, true)]
    [InlineData("a?c", "abc", false, true)]
    [InlineData("a?c", "a/c", false, false)]
    [InlineData("[!x]y.txt", "ay.txt", false, true)]
    [InlineData("[!x]y.txt", "xy.txt", false, false)]
    [InlineData("foo/*", "foo/bar", false, true)]
    [InlineData("foo/*", "foo/bar/baz", false, false)]
    [InlineData("a[b", "a[b", false, true)]
    public void Patterns_match_like_gitignore(string pattern, string path, bool isDirectory, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Parse(pattern)!.IsMatch(path, isDirectory));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# comment")]
    [InlineData("   ")]
    public void Blank_lines_and_comments_are_not_patterns(string line) => Assert.Null(GlobPattern.Parse(line));

    [Fact]
    public void Negation_re_includes_and_the_last_match_wins()
    {
        var rules = IgnoreRules.Empty.With("", ["*.log", "!keep.log"]).With("sub", ["keep.log"]);
        Assert.True(rules.IsIgnored("a.log", false));
        Assert.False(rules.IsIgnored("keep.log", false));
        Assert.True(rules.IsIgnored("sub/keep.log", false));
    }
}
