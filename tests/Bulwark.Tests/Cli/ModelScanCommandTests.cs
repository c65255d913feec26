using System.Text.Json;
using Bulwark.Eval;

namespace Bulwark.Tests.Cli;

/// <summary><c>bulwark model scan</c> as a user runs it: the real executable, its exit codes, JSON and SARIF.</summary>
public sealed class ModelScanCommandTests
{
    private static readonly string Models = Path.Combine(RepositoryPaths.Root, "samples", "insecure-genai-app", "models");

    [Fact]
    public void Malicious_files_exit_1_with_one_json_result_per_file()
    {
        var run = BulwarkProcess.Run("model", "scan", Models, "--format", "json").Expect(1);
        using var report = JsonDocument.Parse(run.Stdout);
        var files = report.RootElement.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal("malicious", f.GetProperty("verdict").GetString()));
        var rules = files.SelectMany(f => f.GetProperty("findings").EnumerateArray()).Select(x => x.GetProperty("rule").GetString()).ToHashSet();
        Assert.Contains("BW-MODEL-PICKLE-DANGEROUS-GLOBAL", rules);
        Assert.Contains("BW-MODEL-KERAS-LAMBDA", rules);
        Assert.Equal(2, report.RootElement.GetProperty("summary").GetProperty("malicious").GetInt32());
    }

    [Fact]
    public void Clean_and_non_model_files_exit_0_and_a_missing_path_exits_2()
    {
        using var dir = new TempDirectory();
        dir.Write("notes.txt", "just text, not a model");
        dir.Write("config.json", """{"model_type": "bert", "architectures": ["BertModel"], "hidden_size": 768}""");
        BulwarkProcess.Run("model", "scan", dir.Combine("."), "--format", "json").Expect(0);
        var missing = BulwarkProcess.Run("model", "scan", dir.Combine("absent.pt")).Expect(2);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_replaces_the_file_whole_and_a_failed_run_keeps_the_previous_report()
    {
        using var dir = new TempDirectory();
        var report = dir.Combine("models.json");
        var run = BulwarkProcess.Run("model", "scan", Models, "--format", "json", "--output", report).Expect(1);
        Assert.Equal("", run.Stdout);
        Assert.Contains("report written to", run.Stderr, StringComparison.Ordinal);
        var written = File.ReadAllText(report);
        Assert.Equal(2, JsonDocument.Parse(written).RootElement.GetProperty("files").GetArrayLength());

        BulwarkProcess.Run("model", "scan", dir.Combine("absent.pt"), "--format", "json", "--output", report).Expect(2);
        Assert.Equal(written, File.ReadAllText(report));
        Assert.Single(Directory.GetFiles(dir.Combine(".")));   // no temporary file left behind

        BulwarkProcess.Run("model", "scan", Models, "--output", report).Expect(1);
        Assert.Contains("MALICIOUS", File.ReadAllText(report), StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Sarif_output_validates_against_the_SARIF_2_1_0_schema()
    {
        var run = BulwarkProcess.Run("model", "scan", Models, "--format", "sarif").Expect(1);
        var schema = NJsonSchema.JsonSchema.FromJsonAsync(File.ReadAllText(Path.Combine(RepositoryPaths.Shared!, "schemas", "sarif-schema-2.1.0.json"))).GetAwaiter().GetResult();
        var errors = schema.Validate(run.Stdout);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
        Assert.Contains("BW-MODEL-KERAS-LAMBDA", run.Stdout, StringComparison.Ordinal);
    }
}
