using Bulwark.Governance.ShadowAi.Logs;

namespace Bulwark.Tests.Governance.Logs;

public class BindQueryParserTests
{
    private static readonly TimeProvider Clock = FixedClock.Noon24Nov2026;

    // BIND 9.11+ query log lines in each print-time style, with and without category and severity.
    private const string Log =
        "24-Nov-2026 10:15:02.123 queries: info: client @0x7f3a2c0d5e10 10.0.0.5#53012 (chat.openai.com): query: chat.openai.com IN A +E(0)K (10.0.0.1)\n" +
        "24-Nov-2026 10:15:03.000 client @0x7f3a2c0d5e10 10.0.0.6#41000 (Claude.AI): view internal: query: Claude.AI IN AAAA +E(0)DC (10.0.0.1)\n" +
        "24-Nov-2026 10:15:04.500 client 2001:db8::5#53000 (api.mistral.ai): query: api.mistral.ai IN HTTPS -E(0)T (2001:db8::1) [ECS 2001:db8::/56/0]\n" +
        "24-Nov-2026 10:15:05.000 general: info: zone example.com/IN: loaded serial 2026112401\n" +
        "2026-11-24T10:15:06.250Z queries: info: client @0x1 10.0.0.7#5000 (xn--bcher-kva.example): query: xn--bcher-kva.example IN A + (10.0.0.1)\n" +
        "Nov 24 10:15:07 ns1 named[812]: client @0x7f 10.0.0.8#5001 (bücher.example): query: bücher.example IN A + (10.0.0.1)\n" +
        "client 192.168.117.234#53311: view authoritative: query: Example.ORG IN NS -EDC (192.168.36.217)\n" +
        "24-Nov-2026 10:15:08.000 client @0x7f 10.0.0.9#5002 (x.example): query (cache) 'x.example/A/IN' denied\n" +
        "24-Nov-2026 10:15:09.000 client @0x7f 10.0.0.9#5003 (y.example): query: \n" +
        "this is not bind\n";

    [Fact]
    public void Reads_each_query_with_its_client_and_time()
    {
        var (result, records) = LogHarness.Read(Log, new BindQueryParser(Clock));
        Assert.Equal(
        [
            new Seen("chat.openai.com", "", "10.0.0.5", LogHarness.Ms(2026, 11, 24, 10, 15, 2, 123), -1, -1),
            new Seen("Claude.AI", "", "10.0.0.6", LogHarness.Ms(2026, 11, 24, 10, 15, 3), -1, -1),
            new Seen("api.mistral.ai", "", "2001:db8::5", LogHarness.Ms(2026, 11, 24, 10, 15, 4, 500), -1, -1),
            new Seen("xn--bcher-kva.example", "", "10.0.0.7", LogHarness.Ms(2026, 11, 24, 10, 15, 6, 250), -1, -1),
            new Seen("bücher.example", "", "10.0.0.8", LogHarness.Ms(2026, 11, 24, 10, 15, 7), -1, -1),
            new Seen("Example.ORG", "", "192.168.117.234", 0, -1, -1),
        ], records);
        Assert.Equal(2, result.Skipped); // the zone message and the denied query
        Assert.Equal([new MalformedLine(9, "no name, class and type after query:"), new MalformedLine(10, "not a BIND log line")], result.MalformedSamples);
    }

    [Fact]
    public void A_syslog_time_after_now_belongs_to_the_year_before()
    {
        var (_, records) = LogHarness.Read("Dec 31 23:59:59 ns1 named[1]: client @0x1 10.0.0.5#1 (a.example): query: a.example IN A + (10.0.0.1)\n", new BindQueryParser(Clock));
        Assert.Equal(LogHarness.Ms(2025, 12, 31, 23, 59, 59), records.Single().TimestampMs);
    }
}
