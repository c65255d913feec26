using System.Text.Json;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Governance.Inventory;

public class GovInventoryCommandTests
{
    private static readonly string Sample = Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "samples", "insecure-genai-app");

    [Fact]
    public void Table_on_the_sample_shows_the_undeclared_anthropic_use_and_exits_zero()
    {
        var run = BulwarkProcess.Run("gov", "inventory", Sample).Expect(0);
        Assert.Contains("UNDECLARED", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Anthropic", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("app/llm_client.py:4", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("9 undeclared AI uses; 1 declared system(s) seen, 0 declared but not observed", run.Stdout, StringComparison.Ordinal);
        // The .env keys show their providers by name; the keys' values never reach the output.
        Assert.Contains("provider-key .env:2  GROQ_API_KEY=", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("gsk_", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("GOOGLE_API_KEY", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_with_a_gateway_config_and_fail_on_undeclared_exits_one()
    {
        var gateway = Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "samples", "gateway", "gateway.yaml");
        var run = BulwarkProcess.Run("gov", "inventory", Sample, "--gateway-config", gateway, "--format", "json", "--fail-on-undeclared").Expect(1);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal("bulwark gov inventory", root.GetProperty("tool").GetString());
        Assert.Equal(10, root.GetProperty("summary").GetProperty("undeclared").GetInt32());
        var entries = root.GetProperty("entries").EnumerateArray().ToList();
        var anthropic = entries.Single(e => e.GetProperty("name").GetString() == "Anthropic");
        Assert.Equal("undeclared", anthropic.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, anthropic.GetProperty("system").ValueKind);
        var first = anthropic.GetProperty("discovered")[1];
        Assert.Equal(("code-sdk", "app/llm_client.py", 4), (first.GetProperty("source").GetString(), first.GetProperty("file").GetString(), first.GetProperty("line").GetInt32()));
        var key = anthropic.GetProperty("discovered")[0];
        Assert.Equal(("provider-key", "ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY=", ".env.example", 3),
            (key.GetProperty("source").GetString(), key.GetProperty("name").GetString(), key.GetProperty("evidence").GetString(), key.GetProperty("file").GetString(), key.GetProperty("line").GetInt32()));
        Assert.Contains(entries, e => e.GetProperty("name").GetString() == "Gateway model 'demo'");
        var bot = entries.Single(e => e.GetProperty("status").GetString() == "declared");
        Assert.Equal("limited", bot.GetProperty("system").GetProperty("riskTier").GetString());
    }

    [Fact]
    public void A_project_whose_use_is_all_declared_passes_fail_on_undeclared_and_writes_html_to_a_file()
    {
        using var dir = new TempDirectory();
        dir.Write("bot.py", "import openai\n");
        dir.Write("ai-inventory.yaml", "version: 1\nsystems:\n  - {id: bot, name: Bot, owner: Team, purpose: Chat, risk-tier: minimal, providers: [openai]}\n");
        var output = dir.Combine("inventory.html");
        var run = BulwarkProcess.Run("gov", "inventory", dir.Path, "--format", "html", "--output", output, "--fail-on-undeclared").Expect(0);
        Assert.Contains("No undeclared AI use", run.Stderr, StringComparison.Ordinal);
        var html = File.ReadAllText(output);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_and_html_highlight_undeclared_rows()
    {
        var md = BulwarkProcess.Run("gov", "inventory", Sample, "--format", "md").Expect(0);
        Assert.Contains("| **UNDECLARED** | **Anthropic** |", md.Stdout, StringComparison.Ordinal);
        var html = BulwarkProcess.Run("gov", "inventory", Sample, "--format", "html").Expect(0);
        Assert.Contains("<tr class=\"undeclared\">", html.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_exits_two_with_the_file_and_line()
    {
        using var dir = new TempDirectory();
        dir.Write("ai-inventory.yaml", "version: 1\nsystems:\n  - id: x\n    name: X\n    owner: T\n    purpose: P\n    risk-tier: high\n");
        var bad = BulwarkProcess.Run("gov", "inventory", dir.Path).Expect(2);
        Assert.Contains("ai-inventory.yaml:7:16: system 'x': a high-risk system needs 'annex-iii-area'", bad.Stderr, StringComparison.Ordinal);
        var missing = BulwarkProcess.Run("gov", "inventory", dir.Path, "--inventory", dir.Combine("none.yaml")).Expect(2);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
        BulwarkProcess.Run("gov", "inventory", dir.Combine("no-such-dir"), "--inventory", dir.Combine("none.yaml")).Expect(2);
        BulwarkProcess.Run("gov", "inventory", "--discover-report", dir.Write("r.json", "[1]")).Expect(2);
    }
}
