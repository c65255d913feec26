using System.Text.Json;
using Bulwark.Governance.ShadowAi;
using Bulwark.Governance.ShadowAi.Discovery;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Governance;

/// <summary>
/// Discovery end to end on logs written here: attribution to users, hosts and departments, the policy's verdicts,
/// the ranking of unsanctioned use, bytes sent, and the command's outputs and exit codes.
/// </summary>
public class ShadowAiDiscoveryTests
{
    // Squid native: time elapsed client code/status bytes method URL user hierarchy type.
    private const string Squid = """
        1795500000.100    120 10.1.0.5 TCP_TUNNEL/200 5120 CONNECT chatgpt.com:443 alice HIER_DIRECT/104.18.32.47 -
        1795500060.200     80 10.1.0.5 TCP_TUNNEL/200 2048 CONNECT Chat.ChatGPT.com.:443 alice HIER_DIRECT/104.18.32.47 -
        1795500120.300     95 10.2.0.9 TCP_TUNNEL/200 4096 CONNECT claude.ai:443 bob HIER_DIRECT/160.79.104.10 -
        1795500180.400     40 10.2.0.9 TCP_TUNNEL/200 1024 CONNECT chat.deepseek.com:443 bob HIER_DIRECT/203.0.113.7 -
        1795500240.500     33 10.1.0.5 TCP_TUNNEL/200 3000 CONNECT api.githubcopilot.com:443 alice HIER_DIRECT/140.82.113.21 -
        1795500300.600     12 10.3.0.7 TCP_MISS/200 1532 GET http://www.example.com/index.html - HIER_DIRECT/93.184.215.14 text/html
        1795500360.700     20 10.3.0.7 TCP_TUNNEL/200 900 CONNECT chatgpt.com.evil.example:443 - HIER_DIRECT/198.51.100.9 -
        1795500420.800     20 10.3.0.7 TCP_TUNNEL/200 900 CONNECT notchatgpt.com:443 - HIER_DIRECT/198.51.100.9 -
        1795500480.900     15 10.3.0.7 TCP_TUNNEL/200 700 CONNECT claude.ai:443 - HIER_DIRECT/160.79.104.10 -
        this line is not squid
        """;

    private const string Policy = """
        default: tolerated
        services:
          chatgpt: sanctioned
          deepseek: forbidden
        departments:
          engineering:
            services:
              github-copilot: sanctioned
          finance:
            services:
              claude: forbidden
        """;

    private const string Departments = """
        match,department
        alice,engineering
        10.2.0.0/16,finance
        """;

    private static DiscoveryReport Discover(TempDirectory dir, string log, string name = "access.log")
    {
        var path = dir.Write(name, log);
        var catalog = GenAiCatalog.Default;
        var policy = AiUsePolicy.Parse(Policy, "policy.yaml", catalog);
        var departments = DepartmentMap.Load(dir.Write("departments.csv", Departments));
        return new ShadowAiDiscovery(ServiceMatcher.Default, policy, departments, TimeProvider.System).Run([path]);
    }

    [Fact]
    public void Use_is_attributed_to_users_hosts_and_departments_with_the_policys_verdicts()
    {
        using var dir = new TempDirectory();
        var report = Discover(dir, Squid);

        var file = Assert.Single(report.Files);
        Assert.Equal("squid", file.Format);
        Assert.Equal(10, file.Lines);
        Assert.Equal(1, file.Malformed);
        Assert.Contains(file.MalformedExamples, e => e.StartsWith("line 10:", StringComparison.Ordinal));

        var alice = report.Identities.Single(i => i.Identity == "alice");
        Assert.Equal(("user", "engineering", "10.1.0.5"), (alice.Kind, alice.Department, alice.Client));
        var chatgpt = alice.Services.Single(s => s.ServiceId == "chatgpt");
        Assert.Equal((2L, 7168L, UseVerdicts.Sanctioned), (chatgpt.Requests, chatgpt.BytesIn!.Value, chatgpt.Verdict));
        Assert.Null(chatgpt.BytesOut); // Squid's native format does not log upload sizes
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795500000100), chatgpt.FirstSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795500060200), chatgpt.LastSeen);
        Assert.Equal(UseVerdicts.Sanctioned, alice.Services.Single(s => s.ServiceId == "github-copilot").Verdict);

        // bob is mapped by address (10.2.0.0/16 → finance): claude is forbidden there, deepseek everywhere.
        var bob = report.Identities.Single(i => i.Identity == "bob");
        Assert.Equal("finance", bob.Department);
        Assert.Equal(UseVerdicts.Forbidden, bob.Services.Single(s => s.ServiceId == "claude").Verdict);
        Assert.Equal(UseVerdicts.Forbidden, bob.Services.Single(s => s.ServiceId == "deepseek").Verdict);

        // No user on the line: the client host is the identity, with no department; claude is only tolerated there.
        var host = report.Identities.Single(i => i.Identity == "10.3.0.7");
        Assert.Equal(("host", (string?)null), (host.Kind, host.Department));
        Assert.Equal("claude", Assert.Single(host.Services).ServiceId); // the look-alikes did not match

        Assert.Equal(["chatgpt", "claude", "deepseek", "github-copilot"], report.Services.Select(s => s.ServiceId).Order(StringComparer.Ordinal));
        Assert.Equal(2, report.Services.Single(s => s.ServiceId == "claude").Identities);
        Assert.True(report.HasForbiddenUse);
    }

    [Fact]
    public void Unsanctioned_use_ranks_forbidden_first_then_by_risk_and_bytes_sent()
    {
        using var dir = new TempDirectory();
        var report = Discover(dir, Squid);

        string[] expected = ["10.3.0.7:claude", "bob:claude", "bob:deepseek"];
        Assert.Equal(expected,
            report.Unsanctioned.Select(u => $"{u.Identity}:{u.Use.ServiceId}").Order(StringComparer.Ordinal));
        Assert.All(report.Unsanctioned.Take(2), u => Assert.Equal(UseVerdicts.Forbidden, u.Use.Verdict));
        Assert.Equal(UseVerdicts.Tolerated, report.Unsanctioned[2].Use.Verdict);
        var forbidden = report.Unsanctioned.Take(2).ToList();
        Assert.True(forbidden[0].Use.Risk >= forbidden[1].Use.Risk);
        Assert.Equal([1, 2, 3], report.Unsanctioned.Select(u => u.Rank));
    }

    [Fact]
    public void Zeek_http_upload_sizes_are_summed_as_bytes_sent()
    {
        const string zeek = "#separator \\x09\n#path\thttp\n" +
            "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\tuser_agent\torigin\trequest_body_len\tresponse_body_len\tstatus_code\n" +
            "1795500000.000000\tC1\t10.9.0.1\t50000\t203.0.113.5\t80\t1\tPOST\tapi.deepseek.com\t/v1/chat\t-\t1.1\tcurl\t-\t250000\t900\t200\n" +
            "1795500001.000000\tC2\t10.9.0.1\t50001\t203.0.113.5\t80\t1\tPOST\tAPI.DEEPSEEK.COM\t/v1/chat\t-\t1.1\tcurl\t-\t750000\t100\t200\n" +
            "1795500002.000000\tC3\t10.9.0.2\t50002\t198.51.100.1\t80\t1\tGET\twww.example.org\t/\t-\t1.1\tcurl\t-\t0\t512\t200\n";
        using var dir = new TempDirectory();
        var report = Discover(dir, zeek, "http.log");

        Assert.Equal("zeek", Assert.Single(report.Files).Format); // recognised by its #path header
        var use = Assert.Single(Assert.Single(report.Identities).Services);
        Assert.Equal(("deepseek", 2L, 1_000_000L, 1_000L), (use.ServiceId, use.Requests, use.BytesOut!.Value, use.BytesIn!.Value));
    }

    [Fact]
    public void The_command_writes_json_csv_and_html_and_exits_1_on_forbidden_use()
    {
        using var dir = new TempDirectory();
        var log = dir.Write("access.log", Squid);
        var policy = dir.Write("policy.yaml", Policy);
        var departments = dir.Write("departments.csv", Departments);

        var json = BulwarkProcess.Run("discover", log, "--policy", policy, "--departments", departments, "--format", "json", "--no-progress").Expect(1);
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.Equal(2, root.GetProperty("summary").GetProperty("forbiddenUses").GetInt32());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("malformedLines").GetInt32());
        var inventory = root.GetProperty("inventory").EnumerateArray().ToList();
        Assert.Equal(4, inventory.Count);
        Assert.All(inventory, i => Assert.Equal("network-logs", i.GetProperty("source").GetString()));
        Assert.Contains(inventory, i => i.GetProperty("service").GetString() == "chatgpt" && i.GetProperty("sanctioned").GetBoolean());

        var csv = BulwarkProcess.Run("discover", log, "--format", "csv", "--no-progress").Expect(0);
        var rows = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("identity,kind,department,client,service,", rows[0], StringComparison.Ordinal);
        Assert.Equal(6, rows.Length); // header + alice x2, bob x2, 10.3.0.7 x1

        var html = dir.Combine("report.html");
        BulwarkProcess.Run("discover", log, "--policy", policy, "--format", "html", "--output", html, "--no-progress").Expect(1);
        var page = File.ReadAllText(html);
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.Contains("Unsanctioned use, ranked by risk", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_is_exit_2_and_an_existing_report_is_kept()
    {
        using var dir = new TempDirectory();
        var report = dir.Write("report.json", "previous report");
        Assert.Equal(2, BulwarkProcess.Run("discover", dir.Combine("missing.log"), "--format", "json", "--output", report).ExitCode);
        Assert.Equal("previous report", File.ReadAllText(report));
        var log = dir.Write("access.log", Squid);
        Assert.Equal(2, BulwarkProcess.Run("discover", log, "--log-format", "apache").ExitCode);
        Assert.Equal(2, BulwarkProcess.Run("discover", dir.Write("unknown.log", "hello world\nnot a log\n")).ExitCode);
        Assert.Equal(2, BulwarkProcess.Run("discover").ExitCode);
    }

    [Fact]
    public void Export_domains_writes_the_catalog_for_grep_and_blocklists()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("domains.txt");
        BulwarkProcess.Run("discover", "--export-domains", path).Expect(0);
        var domains = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        Assert.True(domains.Count >= 300, $"only {domains.Count} domains");
        Assert.Contains("chatgpt.com", domains);
        Assert.Contains("claude.ai", domains);
    }
}
