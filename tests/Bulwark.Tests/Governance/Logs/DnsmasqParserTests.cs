using Bulwark.Governance.ShadowAi.Logs;

namespace Bulwark.Tests.Governance.Logs;

public class DnsmasqParserTests
{
    // log-queries output through log-facility, through syslog (with a host name) and with log-queries=extra.
    private const string Log =
        "Nov 24 10:15:02 dnsmasq[1234]: query[A] chat.openai.com from 10.0.0.5\n" +
        "Nov 24 10:15:02 dnsmasq[1234]: forwarded chat.openai.com to 1.1.1.1\n" +
        "Nov 24 10:15:02 dnsmasq[1234]: reply chat.openai.com is 104.18.32.47\n" +
        "Nov 24 10:15:03 dnsmasq-gw dnsmasq[1234]: query[AAAA] API.Anthropic.com from fd00::5\n" +
        "Nov 24 10:15:03 gw dnsmasq[1234]: cached API.Anthropic.com is NODATA-IPv6\n" +
        "Nov  4 09:00:00 dnsmasq[1234]: 17 10.0.0.6/53012 query[HTTPS] xn--bcher-kva.example from 10.0.0.6\n" +
        "Nov 24 10:15:04 dnsmasq[1234]: dnssec-query[DS] example to 1.1.1.1\n" +
        "Nov 24 10:15:05 dnsmasq-dhcp[1234]: DHCPACK(eth0) 10.0.0.9 aa:bb:cc:dd:ee:ff laptop\n" +
        "2026-11-24T10:15:06.789012+01:00 gw dnsmasq[1234]: query[A] bücher.example from 10.0.0.7\n" +
        "Nov 24 10:15:07 dnsmasq[1234]: query[A] from 10.0.0.8\n" +
        "Nov 24 10:15:08 dnsmasq[1234]: query[A] half.example\n" +
        "Nov 24 10:15:09 kernel: something else entirely\n";

    [Fact]
    public void Reads_queries_and_skips_the_lines_that_follow_them()
    {
        var (result, records) = LogHarness.Read(Log, new DnsmasqParser(FixedClock.Noon24Nov2026));
        Assert.Equal(
        [
            new Seen("chat.openai.com", "", "10.0.0.5", LogHarness.Ms(2026, 11, 24, 10, 15, 2), -1, -1),
            new Seen("API.Anthropic.com", "", "fd00::5", LogHarness.Ms(2026, 11, 24, 10, 15, 3), -1, -1),
            new Seen("xn--bcher-kva.example", "", "10.0.0.6", LogHarness.Ms(2026, 11, 4, 9, 0, 0), -1, -1),
            new Seen("bücher.example", "", "10.0.0.7", LogHarness.Ms(2026, 11, 24, 9, 15, 6, 789), -1, -1),
        ], records);
        Assert.Equal(5, result.Skipped);
        Assert.Equal(
            [new MalformedLine(10, "no 'from client' after the name"), new MalformedLine(11, "no 'from client' after the name"), new MalformedLine(12, "not a dnsmasq line")],
            result.MalformedSamples);
    }
}
