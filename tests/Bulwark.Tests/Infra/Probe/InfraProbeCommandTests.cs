using System.Text.Json;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Infra.Probe;

/// <summary><c>bulwark infra probe</c> as a user runs it: the real executable against loopback servers.</summary>
public sealed class InfraProbeCommandTests
{
    [Fact]
    public async Task Json_lists_every_endpoint_and_an_open_service_exits_1()
    {
        await using var ollama = FakeAiServices.Ollama();
        await using var qdrant = FakeAiServices.Qdrant(apiKey: true);
        var run = BulwarkProcess.Run("infra", "probe", $"127.0.0.1:{ollama.Port},{qdrant.Port}", "--format", "json", "--timeout", "2").Expect(1);

        using var report = JsonDocument.Parse(run.Stdout);
        var endpoints = report.RootElement.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.Equal(["ollama", "qdrant"], endpoints.Select(e => e.GetProperty("service").GetString()));
        Assert.Equal(["none", "required"], endpoints.Select(e => e.GetProperty("authentication").GetString()));
        Assert.Equal("0.5.7", endpoints[0].GetProperty("version").GetString());
        var finding = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("BW-INFRA-PROBE-UNAUTHENTICATED", finding.GetProperty("ruleId").GetString());
        Assert.Equal(1, report.RootElement.GetProperty("summary").GetProperty("unauthenticated").GetInt32());
    }

    [Fact]
    public async Task Output_writes_the_report_to_a_file_and_nothing_to_stdout()
    {
        await using var jupyter = FakeAiServices.Jupyter(token: true);
        using var dir = new TempDirectory();
        var path = dir.Combine("probe.json");
        var run = BulwarkProcess.Run("infra", "probe", $"http://127.0.0.1:{jupyter.Port}", "--format", "json", "--output", path).Expect(0);
        Assert.Equal("", run.Stdout.Trim());
        using var report = JsonDocument.Parse(File.ReadAllText(path));
        var endpoint = Assert.Single(report.RootElement.GetProperty("endpoints").EnumerateArray());
        Assert.Equal("jupyter", endpoint.GetProperty("service").GetString());
        Assert.Equal("required", endpoint.GetProperty("authentication").GetString());
        Assert.Empty(Directory.GetFiles(dir.Combine("."), ".*.tmp"));
    }

    [Fact]
    public async Task The_table_names_the_service_and_the_finding()
    {
        await using var ray = FakeAiServices.Ray();
        var run = BulwarkProcess.Run("infra", "probe", $"127.0.0.1:{ray.Port}").Expect(1);
        Assert.Contains("Ray dashboard (ray)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("BW-INFRA-PROBE-UNAUTHENTICATED", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("critical", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:99999", "not a port")]
    [InlineData("ftp://127.0.0.1", "only http")]
    public void A_bad_target_exits_2_with_a_message(string target, string message)
    {
        var run = BulwarkProcess.Run("infra", "probe", target).Expect(2);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_option_value_exits_2()
    {
        BulwarkProcess.Run("infra", "probe", "127.0.0.1:1", "--timeout", "0").Expect(2);
        BulwarkProcess.Run("infra", "probe", "127.0.0.1:1", "--concurrency", "0").Expect(2);
        BulwarkProcess.Run("infra", "probe", "127.0.0.1:1", "--format", "xml").Expect(2);
    }
}
