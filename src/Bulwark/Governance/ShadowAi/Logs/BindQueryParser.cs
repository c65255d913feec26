using System.Runtime.CompilerServices;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// BIND 9's query log (<c>category queries</c>):
/// <c>24-Nov-2026 10:15:02.123 queries: info: client @0x7f… 10.0.0.5#53012 (chat.openai.com): query: chat.openai.com IN A +E(0)K (10.0.0.1)</c>.
/// The time may be BIND's own, ISO 8601 (<c>print-time iso8601</c>, read as UTC), a syslog prefix, or absent; the
/// category, severity, <c>@0x…</c> object id and <c>view …:</c> are optional, and the older
/// <c>client 10.0.0.5#53012: query: …</c> reads too. Other BIND messages are skipped.
/// </summary>
public sealed class BindQueryParser(TimeProvider? clock = null) : LogLineParser
{
    private readonly LogTime.SyslogClock syslogClock = LogTime.SyslogClock.From(clock ?? TimeProvider.System);

    public override string Format => "bind";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record)
    {
        var rest = line;
        var dated = true;
        if (LogTime.TryParseBind(rest, out var ms, out var used) || (LogTime.TryParseIso8601(rest, out ms, out used) && used >= 19)) rest = rest[used..];
        else if (LogTime.TryParseSyslog(rest, syslogClock, out ms)) rest = rest[15..];
        else dated = false;

        var client = rest.IndexOf("client "u8);
        if (client < 0) return dated ? LineOutcome.Skipped : Malformed("not a BIND log line");
        rest = rest[(client + 7)..];
        var query = rest.IndexOf("query: "u8);
        if (query < 0) return LineOutcome.Skipped; // another message about a client: denied, lame server, …
        var address = ClientAddress(rest[..query]);
        rest = rest[(query + 7)..];
        while (rest.StartsWith("query: "u8)) rest = rest[7..]; // some 9.11 builds repeat it
        var end = rest.IndexOf((byte)' ');
        if (end <= 0) return Malformed("no name, class and type after query:");

        record.Host = rest[..end];
        record.Client = address;
        record.TimestampMs = ms;
        return LineOutcome.Record;
    }

    /// <summary>The address in <c>@0x7f… 10.0.0.5#53012 (name): view x: </c>, without the port.</summary>
    private static ReadOnlySpan<byte> ClientAddress(ReadOnlySpan<byte> text)
    {
        if (text.StartsWith("@"u8))
        {
            var space = text.IndexOf((byte)' ');
            text = space < 0 ? default : text[(space + 1)..];
        }
        var end = text.IndexOfAny((byte)'#', (byte)' ');
        return end < 0 ? default : text[..end];
    }
}
