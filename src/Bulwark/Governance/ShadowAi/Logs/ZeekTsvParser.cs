using System.Runtime.CompilerServices;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// Zeek's tab-separated logs: <c>dns.log</c>, <c>http.log</c>, <c>ssl.log</c>. Column positions come from the
/// <c>#fields</c> header, the separator from <c>#separator \x09</c>, the unset and empty markers from
/// <c>#unset_field</c> and <c>#empty_field</c>; a new <c>#separator</c> starts a new file's header, so rotated logs
/// joined with cat read right. Values are unescaped (<c>\x09</c>, <c>\xc3\xbc</c>). Without a header, a format named
/// for one log reads Zeek's default column order.
/// </summary>
public sealed class ZeekTsvParser : LogLineParser
{
    private const byte None = 0, Ts = 1, OrigH = 2, RespH = 3, Query = 4, Host = 5, ServerName = 6, RequestLength = 7, ResponseLength = 8, Username = 9;

    // Zeek's default column order, for a log whose header was cut off (zcat | grep, a split file).
    private static readonly byte[] DefaultDns = Layout((0, Ts), (2, OrigH), (4, RespH), (9, Query));
    private static readonly byte[] DefaultHttp = Layout((0, Ts), (2, OrigH), (4, RespH), (8, Host), (14, RequestLength), (15, ResponseLength), (21, Username));
    private static readonly byte[] DefaultSsl = Layout((0, Ts), (2, OrigH), (4, RespH), (9, ServerName));

    private readonly ZeekLog named;
    private readonly ScratchBuffer scratch = new();
    private byte separator;
    private byte[] unset = [];
    private byte[] empty = [];
    private byte[]? fields;    // the slot of each column up to the last one read, from #fields
    private ZeekLog pathLog;   // from #path
    private bool otherPath;    // #path names a log this parser does not read: conn, files, …
    private bool resolved;
    private byte[] columns = [];
    private ZeekLog log;
    private string? layoutError;
    private bool skipAll;

    public ZeekTsvParser(ZeekLog log = ZeekLog.Auto)
    {
        named = log;
        ResetHeader();
    }

    public override string Format => named switch
    {
        ZeekLog.Dns => "zeek-dns",
        ZeekLog.Http => "zeek-http",
        ZeekLog.Ssl => "zeek-ssl",
        _ => "zeek",
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record)
    {
        if (line.IsEmpty) return LineOutcome.Skipped;
        if (line[0] == '#') return Header(line);
        if (!resolved) Resolve();
        if (layoutError is not null) return Malformed(layoutError);
        if (skipAll) return LineOutcome.Skipped;

        ReadOnlySpan<byte> ts = default, origH = default, respH = default, name = default, user = default, requestLength = default, responseLength = default;
        var rest = line;
        var last = columns.Length - 1;
        for (var column = 0; ; column++)
        {
            var end = rest.IndexOf(separator);
            var field = end < 0 ? rest : rest[..end];
            switch (columns[column])
            {
                case Ts: ts = field; break;
                case OrigH: origH = field; break;
                case RespH: respH = field; break;
                case Query or Host or ServerName: name = field; break;
                case Username: user = field; break;
                case RequestLength: requestLength = field; break;
                case ResponseLength: responseLength = field; break;
            }
            if (column == last) break;
            if (end < 0) return Malformed("fewer fields than the #fields header names");
            rest = rest[(end + 1)..];
        }

        if (!Present(ts) || !LogTime.TryParseEpoch(ts, allowMilliseconds: false, out var ms)) return Malformed("ts is not Unix seconds");
        if (!LogFields.TryParseCount(Present(requestLength) ? requestLength : default, out var bytesOut)
            || !LogFields.TryParseCount(Present(responseLength) ? responseLength : default, out var bytesIn))
            return Malformed("a body length is not a number");
        scratch.Clear();
        if (!Present(name))
        {
            // No SNI or Host header: the server's address is all there is. A DNS line without a query asked nothing.
            if (log == ZeekLog.Dns || !Present(respH)) return LineOutcome.Skipped;
            name = respH;
        }
        else
        {
            name = Unescape(name);
            if (log == ZeekLog.Http) name = LogFields.HostOf(name); // a Host header may carry a port
            if (name.IsEmpty) return Malformed("the host field holds no host");
        }

        record.Host = name;
        record.Client = Present(origH) ? origH : default;
        record.User = Present(user) ? Unescape(user) : default;
        record.TimestampMs = ms;
        record.BytesOut = bytesOut;
        record.BytesIn = bytesIn;
        return LineOutcome.Record;
    }

    private LineOutcome Header(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("#separator "u8))
        {
            // The one header line split by a space: its value is the separator, escaped.
            ResetHeader();
            var value = SeparatorByte(line[11..]);
            if (value < 0) return Malformed("#separator is not one byte");
            separator = (byte)value;
            return LineOutcome.Skipped;
        }
        var end = line.IndexOf(separator);
        if (end < 0) return LineOutcome.Skipped;
        var key = line[..end];
        var values = line[(end + 1)..];
        if (key.SequenceEqual("#fields"u8)) ReadFields(values);
        else if (key.SequenceEqual("#path"u8)) ReadPath(values);
        else if (key.SequenceEqual("#unset_field"u8) && values.Length <= 64) unset = values.ToArray();
        else if (key.SequenceEqual("#empty_field"u8) && values.Length <= 64) empty = values.ToArray();
        return LineOutcome.Skipped;
    }

    private void ResetHeader()
    {
        separator = (byte)'\t';
        unset = "-"u8.ToArray();
        empty = "(empty)"u8.ToArray();
        fields = null;
        pathLog = ZeekLog.Auto;
        otherPath = false;
        resolved = false;
    }

    private void ReadPath(ReadOnlySpan<byte> path)
    {
        pathLog = path.SequenceEqual("dns"u8) ? ZeekLog.Dns : path.SequenceEqual("http"u8) ? ZeekLog.Http : path.SequenceEqual("ssl"u8) ? ZeekLog.Ssl : ZeekLog.Auto;
        otherPath = pathLog == ZeekLog.Auto;
        resolved = false;
    }

    private void ReadFields(ReadOnlySpan<byte> names)
    {
        Span<int> at = stackalloc int[10];
        at.Fill(-1);
        var last = -1;
        var column = 0;
        foreach (var range in names.Split(separator))
        {
            var slot = Slot(names[range]);
            if (slot != None && at[slot] < 0)
            {
                at[slot] = column;
                last = column;
            }
            column++;
        }
        var layout = new byte[last + 1];
        for (var slot = Ts; slot <= Username; slot++)
        {
            if (at[slot] >= 0) layout[at[slot]] = slot;
        }
        fields = layout;
        resolved = false;
    }

    private static byte Slot(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("ts"u8) => Ts,
        _ when name.SequenceEqual("id.orig_h"u8) => OrigH,
        _ when name.SequenceEqual("id.resp_h"u8) => RespH,
        _ when name.SequenceEqual("query"u8) => Query,
        _ when name.SequenceEqual("host"u8) => Host,
        _ when name.SequenceEqual("server_name"u8) => ServerName,
        _ when name.SequenceEqual("request_body_len"u8) => RequestLength,
        _ when name.SequenceEqual("response_body_len"u8) => ResponseLength,
        _ when name.SequenceEqual("username"u8) => Username,
        _ => None,
    };

    /// <summary>Settles the layout once per header: which log, which column names the host.</summary>
    private void Resolve()
    {
        resolved = true;
        layoutError = null;
        skipAll = false;
        log = named != ZeekLog.Auto ? named : pathLog;
        if (named == ZeekLog.Auto && otherPath)
        {
            skipAll = true; // a conn.log or files.log in the same stream: not ours, not malformed
            return;
        }
        if (fields is null && log == ZeekLog.Auto)
        {
            layoutError = "no #fields header (name the log: zeek-dns, zeek-http or zeek-ssl)";
            return;
        }
        columns = fields ?? (log == ZeekLog.Dns ? DefaultDns : log == ZeekLog.Http ? DefaultHttp : DefaultSsl);
        if (log == ZeekLog.Auto)
            log = Has(Query) ? ZeekLog.Dns : Has(ServerName) ? ZeekLog.Ssl : Has(Host) ? ZeekLog.Http : ZeekLog.Auto;
        if (log == ZeekLog.Auto) layoutError = "the #fields header has no query, host or server_name";
        else if (!Has(Ts)) layoutError = "the #fields header has no ts";
        else if (!Has(NameSlot(log))) layoutError = log switch
        {
            ZeekLog.Dns => "the #fields header has no query",
            ZeekLog.Http => "the #fields header has no host",
            _ => "the #fields header has no server_name",
        };
        if (layoutError is null) Keep(NameSlot(log));
    }

    private static byte NameSlot(ZeekLog log) => log switch { ZeekLog.Dns => Query, ZeekLog.Http => Host, _ => ServerName };

    private bool Has(byte slot) => columns.AsSpan().Contains(slot);

    /// <summary>Only this log's name column counts as the host: an http.log's other name fields are not the host.</summary>
    private void Keep(byte nameSlot)
    {
        if (Array.IndexOf(columns, Query) < 0 && Array.IndexOf(columns, Host) < 0 && Array.IndexOf(columns, ServerName) < 0) return;
        var kept = (byte[])columns.Clone();
        for (var i = 0; i < kept.Length; i++)
        {
            if (kept[i] is Query or Host or ServerName && kept[i] != nameSlot) kept[i] = None;
        }
        columns = kept;
    }

    private bool Present(ReadOnlySpan<byte> field) => !field.IsEmpty && !field.SequenceEqual(unset) && !field.SequenceEqual(empty);

    /// <summary>Zeek writes the separator and non-printable bytes as <c>\xHH</c> (and may double a backslash).</summary>
    private ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> value)
    {
        if (value.IndexOf((byte)'\\') < 0) return value;
        var output = scratch.Take(value.Length);
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (b == '\\' && i + 3 < value.Length && value[i + 1] == 'x' && Hex(value[i + 2]) is var high and >= 0 && Hex(value[i + 3]) is var low and >= 0)
            {
                b = (byte)((high << 4) | low);
                i += 3;
            }
            else if (b == '\\' && i + 1 < value.Length && value[i + 1] == '\\') i++;
            output[n++] = b;
        }
        return scratch.Keep(n);
    }

    /// <summary>The one byte a <c>#separator</c> value stands for (<c>\x09</c> or a literal byte), or -1.</summary>
    private static int SeparatorByte(ReadOnlySpan<byte> value)
    {
        if (value.Length == 1) return value[0];
        if (value.Length == 4 && value[0] == '\\' && value[1] == 'x' && Hex(value[2]) is var high and >= 0 && Hex(value[3]) is var low and >= 0)
            return (high << 4) | low;
        return -1;
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static byte[] Layout(params (int Column, byte Slot)[] slots)
    {
        var layout = new byte[slots.Max(s => s.Column) + 1];
        foreach (var (column, slot) in slots) layout[column] = slot;
        return layout;
    }
}
