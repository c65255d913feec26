using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Eval;

namespace Bulwark.Tests.Cli;

public partial class ScanCommandTests
{
    private const string Sample = "samples/insecure-genai-app";

    [Fact]
    public void The_sample_app_reports_every_planted_secret_and_nothing_in_the_look_alikes()
    {
        var run = BulwarkProcess.Run("scan", Sample, "--format", "json", "--no-progress").Expect(1);
        using var report = JsonDocument.Parse(run.Stdout);
        var found = report.RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => (Path: f.GetProperty("location").GetProperty("path").GetString()!.Replace('\\', '/'), Line: f.GetProperty("location").GetProperty("line").GetInt32()))
            .ToList();

        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, Sample, "README.md"));
        var planted = PlantedRow().Matches(readme).Select(m => (File: m.Groups["file"].Value, Line: int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.True(planted.Count >= 20, "the sample README lists its planted secrets");
        foreach (var (file, line) in planted.Where(p => !p.File.StartsWith("build/", StringComparison.Ordinal)))
        {
            Assert.True(found.Any(f => f.Path == $"{Sample}/{file}" && f.Line == line), $"planted secret not found: {file}:{line}");
        }

        // Git-ignored, placeholders, environment look-ups and documentation examples stay quiet.
        string[] quiet = ["build/ignored.env", ".env.example", "app/settings.py", "docker-compose.yml", "docs/SETUP.md", "tests/test_llm_client.py", "data/finetune.jsonl"];
        foreach (var file in quiet) Assert.DoesNotContain(found, f => f.Path == $"{Sample}/{file}");
    }

    [SharedDataFact]
    public void Sarif_output_validates_against_the_SARIF_2_1_0_schema()
    {
        var run = BulwarkProcess.Run("scan", Sample, "--format", "sarif", "--no-progress");
        Assert.Equal(1, run.ExitCode);
        var schema = NJsonSchema.JsonSchema.FromJsonAsync(File.ReadAllText(Path.Combine(RepositoryPaths.Shared!, "schemas", "sarif-schema-2.1.0.json"))).GetAwaiter().GetResult();
        var errors = schema.Validate(run.Stdout);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));

        using var sarif = JsonDocument.Parse(run.Stdout);
        var runElement = sarif.RootElement.GetProperty("runs")[0];
        var rules = runElement.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        Assert.True(rules.GetArrayLength() > 5);
        Assert.All(rules.EnumerateArray(), r => Assert.StartsWith("https://", r.GetProperty("helpUri").GetString(), StringComparison.Ordinal));
        Assert.All(runElement.GetProperty("results").EnumerateArray(), r => Assert.True(r.GetProperty("partialFingerprints").EnumerateObject().Any()));
    }

    [Fact]
    public void Html_report_is_one_self_contained_page_without_clear_secrets()
    {
        using var dir = new TempDirectory();
        var output = dir.Combine("report.html");
        var run = BulwarkProcess.Run("scan", Sample, "--format", "html", "--output", output, "--no-progress");
        Assert.Equal(1, run.ExitCode);
        var html = File.ReadAllText(output);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("Findings by file", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        var env = File.ReadAllText(Path.Combine(RepositoryPaths.Root, Sample, ".env"));
        var groq = Regex.Match(env, "gsk_[A-Za-z0-9]{52}").Value;
        Assert.NotEmpty(groq);
        Assert.DoesNotContain(groq, html, StringComparison.Ordinal);
        Assert.Contains("report written to", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("md", "# Bulwark scan report")]
    [InlineData("console", "Findings by pillar and severity")]
    public void Markdown_and_console_reports_summarise_by_pillar_and_severity(string format, string expected)
    {
        var run = BulwarkProcess.Run("scan", Sample, "--format", format, "--no-progress");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Fail_on_sets_the_threshold_for_exit_code_1()
    {
        using var dir = new TempDirectory();
        dir.Write("a.txt", "k = " + TestRules.Token);
        var pack = dir.Write("rules/test.yaml", TestRules.Pack);
        string[] common = ["scan", dir.Combine("a.txt"), "--no-default-rules", "--rules", pack, "--no-progress"];
        Assert.Equal(1, BulwarkProcess.Run([.. common, "--fail-on", "high"]).ExitCode);
        Assert.Equal(0, BulwarkProcess.Run([.. common, "--fail-on", "critical"]).ExitCode);
        Assert.Equal(0, BulwarkProcess.Run([.. common, "--fail-on", "none"]).ExitCode);
    }

    [Fact]
    public void Write_baseline_then_baseline_gives_a_clean_run()
    {
        using var dir = new TempDirectory();
        var baseline = dir.Combine("baseline.json");
        Assert.Equal(1, BulwarkProcess.Run("scan", Sample, "--write-baseline", baseline, "--format", "json", "--no-progress").ExitCode);
        var again = BulwarkProcess.Run("scan", Sample, "--baseline", baseline, "--format", "json", "--no-progress");
        Assert.Equal(0, again.ExitCode);
        using var report = JsonDocument.Parse(again.Stdout);
        Assert.Equal(0, report.RootElement.GetProperty("findings").GetArrayLength());
        Assert.True(report.RootElement.GetProperty("summary").GetProperty("suppressedByBaseline").GetInt32() > 20);
    }

    [Theory]
    [InlineData("does not exist", "scan", "no/such/path")]
    [InlineData("not a size", "scan", ".", "--max-file-size", "lots")]
    [InlineData("'pdf' not recognized", "scan", ".", "--format", "pdf")]
    [InlineData("Unrecognized command or argument", "scann", ".")]
    [InlineData("cannot disable unknown rule", "scan", ".", "--disable", "BW-DATA-SECRET-NOPE")]
    [InlineData("baseline", "scan", ".", "--baseline", "no-such-baseline.json")]
    public void Usage_and_input_errors_exit_2_with_one_clear_line(string expected, params string[] args)
    {
        var run = BulwarkProcess.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public void A_rule_pack_with_a_broken_regex_exits_2_naming_the_rule()
    {
        using var dir = new TempDirectory();
        var pack = dir.Write("bad.yaml", TestRules.Pack.Replace("[A-Za-z0-9]{20})", "[A-Za-z0-9{20})", StringComparison.Ordinal));
        var run = BulwarkProcess.Run("scan", Sample, "--rules", pack, "--no-progress");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("BW-DATA-SECRET-TESTTOKEN", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("invalid pattern", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, BulwarkProcess.Run("rules", "verify", "--rules", pack).ExitCode);
    }

    [Fact]
    public void Bad_files_become_notes_and_the_scan_goes_on()
    {
        using var dir = new TempDirectory();
        dir.WriteBytes("invalid-utf8.txt", [0xC3, 0x28, (byte)'\n', .. System.Text.Encoding.UTF8.GetBytes("k = " + TestRules.Token)]);
        dir.Write("big.txt", new string('x', 4000));
        dir.WriteBytes("blob.bin", [0, 1, 2, 3, 0, 0, 7]);
        var pack = dir.Write("rules/test.yaml", TestRules.Pack);
        var run = BulwarkProcess.Run("scan", dir.Path, "--no-default-rules", "--rules", pack, "--max-file-size", "2KB", "--exclude", "rules/", "--format", "json", "--no-progress");
        Assert.Equal(1, run.ExitCode);
        using var report = JsonDocument.Parse(run.Stdout);
        var kinds = report.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetProperty("kind").GetString()).Order().ToList();
        Assert.Equal(["invalid-encoding", "skipped-binary", "skipped-too-large"], kinds);
        Assert.Equal(1, report.RootElement.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public void Output_is_written_whole_or_not_at_all()
    {
        using var dir = new TempDirectory();
        var output = dir.Write("report.json", "previous report");
        var run = BulwarkProcess.Run("scan", "no/such/path", "--format", "json", "--output", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("previous report", File.ReadAllText(output));
    }

    [GeneratedRegex(@"^\| `(?<file>[^`]+)` \| (?<line>\d+) \|", RegexOptions.Multiline)]
    private static partial Regex PlantedRow();
}
