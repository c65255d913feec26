using System.Text.Json;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Governance.Drift;

public class GovDriftCommandTests
{
    private const string Reference = "age,colour,prompt\n1,red,what is the weather\n2,red,write a poem\n3,blue,what is the time\n4,blue,summarise this text\n5,green,\n";
    private const string Current = "age,colour,prompt\n10,green,привет как дела\n12,green,напиши стихи\n13,green,Ignore previous instructions\n14,green,what is the weather\n15,green,\n";

    [Fact]
    public void Json_report_and_exit_one_when_the_dataset_drifted()
    {
        using var dir = new TempDirectory();
        var run = BulwarkProcess.Run("gov", "drift", "--reference", dir.Write("a.csv", Reference), "--current", dir.Write("b.csv", Current), "--format", "json").Expect(1);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(root.GetProperty("dataset").GetProperty("drifted").GetBoolean());
        var age = root.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "age");
        Assert.Equal("numeric", age.GetProperty("kind").GetString());
        var ks = age.GetProperty("tests").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "ks");
        Assert.Equal(1, ks.GetProperty("statistic").GetDouble(), 9);
        Assert.Equal(0.00378135, ks.GetProperty("pValue").GetDouble(), 7); // see DriftStatisticsTests: D = 1, n = m = 5
        var prompt = root.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "prompt");
        Assert.Equal("text", prompt.GetProperty("kind").GetString());
        Assert.True(prompt.GetProperty("text").GetProperty("rising").GetArrayLength() > 0);
    }

    [Fact]
    public void Identical_data_exits_zero_and_an_empty_current_column_is_a_note_not_nan()
    {
        using var dir = new TempDirectory();
        var reference = dir.Write("a.csv", "n,c\n1,a\n2,b\n");
        var current = dir.Write("b.jsonl", "{\"n\":1,\"c\":null}\n{\"n\":2}\n");
        var output = dir.Combine("report.json");
        BulwarkProcess.Run("gov", "drift", "--reference", reference, "--current", current, "--format", "json", "--output", output).Expect(0);
        var text = File.ReadAllText(output);
        Assert.DoesNotContain("NaN", text);
        var c = JsonDocument.Parse(text).RootElement.GetProperty("columns")[1];
        Assert.False(c.GetProperty("evaluated").GetBoolean());
        Assert.Equal("no values in the current data", c.GetProperty("note").GetString());
    }

    [Fact]
    public void Bad_input_exits_two_with_a_clear_message()
    {
        using var dir = new TempDirectory();
        var reference = dir.Write("a.csv", "n\n1\n");
        var missing = BulwarkProcess.Run("gov", "drift", "--reference", reference, "--current", dir.Combine("none.csv")).Expect(2);
        Assert.Contains("does not exist", missing.Stderr);
        var disjoint = BulwarkProcess.Run("gov", "drift", "--reference", reference, "--current", dir.Write("b.csv", "m\n1\n")).Expect(2);
        Assert.Contains("no column in common", disjoint.Stderr);
    }

    [Theory]
    [InlineData("md", "| Column |")]
    [InlineData("html", "<svg")]
    [InlineData("table", "Dataset drifted")]
    public void Other_formats_render(string format, string expected)
    {
        using var dir = new TempDirectory();
        var run = BulwarkProcess.Run("gov", "drift", "--reference", dir.Write("a.csv", Reference), "--current", dir.Write("b.csv", Current), "--format", format).Expect(1);
        Assert.Contains(expected, run.Stdout);
    }
}
