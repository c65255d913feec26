using System.Text.Json;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Governance.Bias;

/// <summary>The real <c>bulwark gov bias</c> end to end: formats, --output and exit codes (0 pass, 1 fail, 2 bad input).</summary>
public sealed class GovBiasCommandTests
{
    [Fact]
    public void Json_output_fails_the_fixture_with_exit_1_and_no_nan()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("d.csv", BiasFixtures.Csv);
        var run = BulwarkProcess.Run("gov", "bias", "--data", data, "--sensitive", "gender,age", "--label", "y", "--prediction", "yhat", "--min-group-size", "1", "--format", "json").Expect(1);
        Assert.DoesNotContain("NaN", run.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("fail", json.RootElement.GetProperty("verdict").GetString());
        var analyses = json.RootElement.GetProperty("analyses");
        Assert.Equal(3, analyses.GetArrayLength());
        Assert.Equal(0.2, analyses[0].GetProperty("demographicParityDifference").GetDouble(), 1e-12);
        Assert.Equal("gender|age", analyses[2].GetProperty("attribute").GetString());
    }

    [Fact]
    public void Html_written_to_a_file_is_self_contained_with_svg_charts()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("d.jsonl", BiasFixtures.Jsonl);
        var report = dir.Combine("bias.html");
        BulwarkProcess.Run("gov", "bias", "--data", data, "--sensitive", "gender", "--label", "y", "--prediction", "yhat", "--min-group-size", "1", "--format", "html", "--output", report).Expect(1);
        var html = File.ReadAllText(report);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("four-fifths line", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Passing_data_exits_0_and_markdown_renders()
    {
        using var dir = new TempDirectory();
        // Predictions equal labels and both groups select half: every metric is 0 or 1.
        var data = dir.Write("fair.csv", "g,y,p\na,1,1\na,0,0\nb,1,1\nb,0,0\n");
        var run = BulwarkProcess.Run("gov", "bias", "--data", data, "--sensitive", "g", "--label", "y", "--prediction", "p", "--min-group-size", "1", "--format", "md").Expect(0);
        Assert.Contains("**Verdict: pass**", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_exits_2_with_a_message()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("bad.csv", "g,y,p\na,1,maybe\n");
        var run = BulwarkProcess.Run("gov", "bias", "--data", data, "--sensitive", "g", "--label", "y", "--prediction", "p").Expect(2);
        Assert.Contains("row 1", run.Stderr, StringComparison.Ordinal);
        BulwarkProcess.Run("gov", "bias", "--data", data, "--sensitive", "missing", "--label", "y", "--prediction", "p").Expect(2);
    }
}
