using System.Runtime.CompilerServices;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// dnsmasq's query log (<c>log-queries</c>, Pi-hole's pihole.log): <c>Nov 24 10:15:02 dnsmasq[1234]: query[A]
/// chat.openai.com from 10.0.0.5</c>, through syslog (a host name before <c>dnsmasq</c>, an ISO time) or
/// <c>log-facility</c>; <c>log-queries=extra</c>'s serial and address before <c>query[</c> are passed over. The
/// forwarded, reply, cached and config lines that follow a query, and dnsmasq-dhcp's, are skipped.
/// </summary>
public sealed class DnsmasqParser(TimeProvider? clock = null) : LogLineParser
{
    private readonly LogTime.SyslogClock syslogClock = LogTime.SyslogClock.From(clock ?? TimeProvider.System);

    public override string Format => "dnsmasq";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record)
    {
        var rest = line;
        if (LogTime.TryParseSyslog(rest, syslogClock, out var ms)) rest = rest[15..];
        else if (LogTime.TryParseIso8601(rest, out ms, out var used) && used >= 19) rest = rest[used..];
        var tag = rest.IndexOf("dnsmasq["u8);
        if (tag < 0) tag = rest.IndexOf("dnsmasq:"u8);
        if (tag < 0) return rest.IndexOf("dnsmasq-"u8) >= 0 ? LineOutcome.Skipped : Malformed("not a dnsmasq line"); // dnsmasq-dhcp, -tftp
        rest = rest[(tag + 7)..];
        var colon = rest.IndexOf(": "u8);
        if (colon < 0) return Malformed("no message after the dnsmasq tag");
        rest = rest[(colon + 2)..];

        var query = rest.IndexOf("query["u8);
        if (query < 0 || (query > 0 && rest[query - 1] != ' ')) return LineOutcome.Skipped; // forwarded, reply, dnssec-query, …
        rest = rest[(query + 6)..];
        var close = rest.IndexOf("] "u8);
        if (close < 0) return Malformed("no name after query[type]");
        rest = rest[(close + 2)..];
        var from = rest.IndexOf(" from "u8);
        if (from <= 0) return Malformed("no 'from client' after the name");
        var client = rest[(from + 6)..];
        var space = client.IndexOf((byte)' ');
        if (space >= 0) client = client[..space];

        record.Host = rest[..from];
        record.Client = client;
        record.TimestampMs = ms;
        return LineOutcome.Record;
    }
}
