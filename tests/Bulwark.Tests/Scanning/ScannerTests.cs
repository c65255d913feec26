using Bulwark.Kernel;
using Bulwark.Scanning;

namespace Bulwark.Tests.Scanning;

public class ScannerTests
{
    private static ScanResult Scan(string root, ScanOptions? options = null) =>
        new Scanner(TestRules.Catalog(), (options ?? new ScanOptions { Roots = [root] }) with { Roots = [root] }).Run();

    [Fact]
    public void Gitignore_excludes_and_negations_are_honoured_at_every_level()
    {
        using var dir = new TempDirectory();
        var secret = "k = " + TestRules.Token + "\n";
        dir.Write(".gitignore", "build/\n*.log\n!keep.log\n/rooted.txt\n");
        dir.Write("src/.gitignore", "local-*.env\n");
        dir.Write("app.py", secret);
        dir.Write("build/out.txt", secret);
        dir.Write("debug.log", secret);
        dir.Write("keep.log", secret);
        dir.Write("rooted.txt", secret);
        dir.Write("src/rooted.txt", secret);
        dir.Write("src/local-dev.env", secret);
        dir.Write("src/deep/a/b/c.txt", secret);
        dir.Write("vendor/lib.js", secret);
        dir.Write(".git/config", secret);

        var withGitIgnore = Scan(dir.Path, new ScanOptions { Roots = [], Excludes = ["vendor/", "**/b/*.txt"] });
        var paths = withGitIgnore.Findings.Select(f => Path.GetRelativePath(dir.Path, f.Location.Path).Replace('\\', '/')).Order().ToList();
        Assert.Equal(["app.py", "keep.log", "src/rooted.txt"], paths);

        var everything = Scan(dir.Path, new ScanOptions { Roots = [], UseGitIgnore = false });
        Assert.Equal(9, everything.Findings.Count); // .git is never scanned
    }

    [Fact]
    public void Symlinks_never_lead_out_of_the_tree()
    {
        using var outside = new TempDirectory();
        using var dir = new TempDirectory();
        outside.Write("secret.txt", "k = " + TestRules.Token);
        dir.Write("inside.txt", "k = " + TestRules.Token);
        File.CreateSymbolicLink(dir.Combine("out-file.txt"), outside.Combine("secret.txt"));
        Directory.CreateSymbolicLink(dir.Combine("out-dir"), outside.Path);
        File.CreateSymbolicLink(dir.Combine("in-link.txt"), dir.Combine("inside.txt"));
        Directory.CreateSymbolicLink(dir.Combine("loop"), dir.Path);

        var result = Scan(dir.Path);

        Assert.Equal(2, result.Findings.Count); // inside.txt and the link to it
        Assert.Contains(result.Notes, n => n.Kind == ScanNoteKind.SkippedSymlink && n.Path.EndsWith("out-file.txt", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Kind == ScanNoteKind.SkippedSymlink && n.Path.EndsWith("loop", StringComparison.Ordinal));
    }

    [Fact]
    public void Files_over_the_size_limit_are_skipped_with_a_note()
    {
        using var dir = new TempDirectory();
        dir.Write("big.txt", new string('a', 5000) + TestRules.Token);
        dir.Write("small.txt", TestRules.Token);
        var result = Scan(dir.Path, new ScanOptions { Roots = [], Limits = ScanLimits.Default with { MaxFileBytes = 1000 } });
        Assert.Single(result.Findings);
        var note = Assert.Single(result.Notes);
        Assert.Equal(ScanNoteKind.SkippedTooLarge, note.Kind);
        Assert.Contains("over the 1,000-byte limit", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_file_becomes_a_note_not_a_crash()
    {
        // Reading /proc/self/mem from offset 0 fails with EIO on Linux: a real read error, even for root.
        if (!File.Exists("/proc/self/mem")) return;
        var result = Scan("/proc/self/mem");
        var note = Assert.Single(result.Notes);
        Assert.Equal(ScanNoteKind.Unreadable, note.Kind);
        Assert.Equal(0, result.Statistics.FilesScanned);
    }

    [Fact]
    public void Directories_below_the_depth_limit_are_skipped_with_a_note()
    {
        using var dir = new TempDirectory();
        dir.Write("a/ok.txt", TestRules.Token);
        dir.Write("a/b/c/deep.txt", TestRules.Token);
        var result = Scan(dir.Path, new ScanOptions { Roots = [], Limits = ScanLimits.Default with { MaxDepth = 2 } });
        Assert.Single(result.Findings);
        Assert.Equal(ScanNoteKind.SkippedTooDeep, Assert.Single(result.Notes).Kind);
    }

    [Fact]
    public void A_file_that_runs_past_the_time_limit_keeps_what_was_found_and_says_so()
    {
        using var dir = new TempDirectory();
        var chunk = new string('x', 1 << 20);
        dir.Write("slow.txt", TestRules.Token + "\n" + chunk + "\n" + chunk + "\n" + TestRules.Token.Replace("9fQ", "8fQ", StringComparison.Ordinal));
        var clock = new SteppingTimeProvider(TimeSpan.FromSeconds(45)); // every reading of the clock is 45 s later
        var result = Scan(dir.Path, new ScanOptions { Roots = [], Time = clock, Limits = ScanLimits.Default with { PerFileTimeout = TimeSpan.FromSeconds(60) } });
        Assert.Single(result.Findings);
        Assert.Equal(ScanNoteKind.TimedOut, Assert.Single(result.Notes).Kind);
    }

    private sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
    }

    [Fact]
    public void A_missing_path_is_an_input_error()
    {
        var e = Assert.Throws<BulwarkInputException>(() => Scan("/definitely/not/here"));
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_baseline_suppresses_known_findings_and_survives_line_moves()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("a.txt", "k = " + TestRules.Token + "\n");
        var first = Scan(dir.Path);
        var baselinePath = dir.Combine("baseline.json");
        Baseline.Write(baselinePath, first.Findings);
        Assert.DoesNotContain(TestRules.Token, File.ReadAllText(baselinePath), StringComparison.Ordinal);

        File.WriteAllText(file, "\n\n\nk = " + TestRules.Token + "\nother = tk_live_AAAAbbbbCCCCdddd1234\n");
        var second = Scan(dir.Path, new ScanOptions { Roots = [], Baseline = Baseline.Load(baselinePath), Excludes = ["baseline.json"] });
        var remaining = Assert.Single(second.Findings);
        Assert.Equal(5, remaining.Location.Line);
        Assert.Equal(1, second.Statistics.SuppressedByBaseline);
    }

    [Fact]
    public void A_corrupt_baseline_is_an_input_error()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("b.json", "{ not json");
        Assert.Throws<BulwarkInputException>(() => Baseline.Load(path));
    }

    [Fact]
    public void Results_are_the_same_with_one_thread_or_many()
    {
        using var dir = new TempDirectory();
        for (var i = 0; i < 40; i++) dir.Write($"d{i % 5}/f{i}.txt", $"line\nk = tk_live_{i:D4}Qz7Wm2Rx8Lp5Nv3T\n");
        var one = Scan(dir.Path, new ScanOptions { Roots = [], Threads = 1 });
        var many = Scan(dir.Path, new ScanOptions { Roots = [], Threads = 8 });
        Assert.Equal(40, one.Findings.Count);
        Assert.Equal(one.Findings.Select(f => f.Fingerprint), many.Findings.Select(f => f.Fingerprint));
    }
}
