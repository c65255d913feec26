using System.Text.Json;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Governance.Catalogs;

public class GovControlsCommandTests
{
    [Fact]
    public void Table_of_frameworks_without_framework()
    {
        var run = BulwarkProcess.Run("gov", "controls").Expect(0);
        foreach (var id in new[] { "nist-ai-rmf", "nist-ai-600-1", "eu-ai-act", "iso-42001", "owasp-llm-2025", "owasp-agentic-2026", "mitre-atlas" })
            Assert.Contains(id, run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_of_one_framework_lists_controls_and_what_covers_them()
    {
        var run = BulwarkProcess.Run("gov", "controls", "--framework", "owasp-llm-2025").Expect(0);
        Assert.Contains("LLM01", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("prompt-attack", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("more", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Eu_ai_act_obligations_show_role_tier_and_application_date()
    {
        var run = BulwarkProcess.Run("gov", "controls", "--framework", "eu-ai-act").Expect(0);
        var literacy = run.Stdout.Split('\n').Single(l => l.Contains("OBL-AI-LITERACY-4", StringComparison.Ordinal));
        Assert.Contains("Applies from", run.Stdout, StringComparison.Ordinal);
        Assert.Matches("both +│ all +│ 2025-02-02", literacy);
    }

    [Fact]
    public void Json_report_of_one_framework()
    {
        var run = BulwarkProcess.Run("gov", "controls", "--framework", "iso-42001", "--format", "json").Expect(0);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal("iso-42001", root.GetProperty("framework").GetProperty("id").GetString());
        var controls = root.GetProperty("controls");
        Assert.Equal(38, controls.GetArrayLength());
        var a624 = controls.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "A.6.2.4");
        Assert.True(a624.GetProperty("covered").GetBoolean());
        Assert.True(a624.GetProperty("rules").GetArrayLength() > 0);
    }

    [Fact]
    public void Json_summary_and_markdown_to_a_file()
    {
        using var dir = new TempDirectory();
        var summary = JsonDocument.Parse(BulwarkProcess.Run("gov", "controls", "-f", "json").Expect(0).Stdout).RootElement;
        Assert.Equal(7, summary.GetProperty("frameworks").GetArrayLength());
        var output = dir.Combine("eu.md");
        BulwarkProcess.Run("gov", "controls", "--framework", "eu-ai-act", "-f", "md", "-o", output).Expect(0);
        Assert.Contains("| OBL-HR-ACCURACY-SECURITY |", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_framework_exits_two_listing_the_ids()
    {
        var run = BulwarkProcess.Run("gov", "controls", "--framework", "iso-27001").Expect(2);
        Assert.Contains("mitre-atlas", run.Stderr, StringComparison.Ordinal);
        BulwarkProcess.Run("gov", "controls", "--import", "x.csv").Expect(2);
    }
}
