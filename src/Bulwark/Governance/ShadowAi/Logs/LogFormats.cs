using Bulwark.Kernel;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>The log formats by name (<c>--log-format</c>), and telling a format from the first lines of a log.</summary>
public static class LogFormats
{
    /// <summary>Every name <see cref="Create"/> takes.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["squid", "zeek", "zeek-dns", "zeek-http", "zeek-ssl", "zeek-json", "bind", "dnsmasq", "csv", "tsv", "jsonl"];

    /// <summary>Lines <see cref="Sniff"/> looks at: enough to pass BIND's start-up messages.</summary>
    private const int SniffLines = 50;

    /// <summary>A fresh parser for one file. <paramref name="mapping"/> picks the columns of csv, tsv and jsonl
    /// (default: <see cref="ColumnMapping.Default"/>); for squid it may give only <c>bytes-out=N</c>, the field number
    /// of a request size appended to the native format. <paramref name="clock"/> supplies the year syslog leaves out.</summary>
    public static ILogLineParser Create(string format, ColumnMapping? mapping = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        var name = format.Trim().ToLowerInvariant();
        if (mapping is not null && name is not ("squid" or "csv" or "tsv" or "jsonl"))
            throw new BulwarkInputException($"a column mapping applies to csv, tsv, jsonl and squid logs, not {name}");
        return name switch
        {
            "squid" => Squid(mapping),
            "zeek" => new ZeekTsvParser(ZeekLog.Auto),
            "zeek-dns" => new ZeekTsvParser(ZeekLog.Dns),
            "zeek-http" => new ZeekTsvParser(ZeekLog.Http),
            "zeek-ssl" => new ZeekTsvParser(ZeekLog.Ssl),
            "zeek-json" => new ZeekJsonParser(),
            "bind" => new BindQueryParser(clock),
            "dnsmasq" => new DnsmasqParser(clock),
            "csv" => new DelimitedParser(mapping ?? ColumnMapping.Default, (byte)','),
            "tsv" => new DelimitedParser(mapping ?? ColumnMapping.Default, (byte)'\t'),
            "jsonl" => new JsonLinesParser(mapping ?? ColumnMapping.Default),
            _ => throw new BulwarkInputException($"unknown log format '{format}'; use one of: {string.Join(", ", Names)}"),
        };
    }

    private static SquidNativeParser Squid(ColumnMapping? mapping)
    {
        if (mapping is null) return new SquidNativeParser();
        if (mapping with { BytesOut = null, Header = null } != new ColumnMapping())
            throw new BulwarkInputException("a squid log takes only bytes-out=N: the field number of an appended request size");
        if (mapping.BytesOut is null || !ColumnMapping.TryIndex(mapping.BytesOut, out var index) || index < 10)
            throw new BulwarkInputException("squid bytes-out must be a field number after the native ten (11 or more)");
        return new SquidNativeParser(index + 1);
    }

    /// <summary>The format of a log from its first bytes (after decompression): Zeek's <c>#separator</c> header, a
    /// JSON object with Zeek's <c>ts</c> and <c>id.orig_h</c> (else JSON lines), Squid's leading epoch time, BIND's
    /// <c>client … query:</c>, dnsmasq's <c>dnsmasq[pid]:</c>, or a CSV/TSV header with a <c>host</c> column.</summary>
    /// <exception cref="BulwarkInputException">No format fits.</exception>
    public static string Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8)) head = head[3..];
        var looked = 0;
        foreach (var range in head.Split((byte)'\n'))
        {
            var line = head[range];
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            if (line.IsEmpty) continue;
            if (SniffLine(line, first: looked == 0) is { } format) return format;
            if (++looked == SniffLines) break;
        }
        throw new BulwarkInputException($"cannot tell the log format from its first lines; name it: {string.Join(", ", Names)}");
    }

    private static string? SniffLine(ReadOnlySpan<byte> line, bool first)
    {
        if (line.StartsWith("#separator"u8) || line.StartsWith("#fields"u8) || line.StartsWith("#path"u8)) return "zeek";
        if (line[0] == '{')
            return line.IndexOf("\"id.orig_h\""u8) >= 0 || (line.IndexOf("\"ts\""u8) >= 0 && line.IndexOf("\"uid\""u8) >= 0) ? "zeek-json" : "jsonl";
        if (IsSquid(line)) return "squid";
        if (line.IndexOf("dnsmasq["u8) >= 0 || line.IndexOf("dnsmasq:"u8) >= 0) return "dnsmasq";
        if (line.IndexOf("client "u8) >= 0 && (line.IndexOf(" query: "u8) >= 0 || line.IndexOf("queries:"u8) >= 0)) return "bind";
        if (first && HasHostColumn(line, (byte)'\t')) return "tsv";
        if (first && HasHostColumn(line, (byte)',')) return "csv";
        return null;
    }

    /// <summary><c>1700000000.123 &lt;spaces&gt; elapsed client code/status</c>.</summary>
    private static bool IsSquid(ReadOnlySpan<byte> line)
    {
        var dot = line.IndexOf((byte)'.');
        if (dot is < 9 or > 11 || line[..dot].ContainsAnyExceptInRange((byte)'0', (byte)'9')) return false;
        var space = line.IndexOf((byte)' ');
        if (space < dot + 2 || line[(dot + 1)..space].ContainsAnyExceptInRange((byte)'0', (byte)'9')) return false;
        var rest = line[space..].TrimStart((byte)' ');
        var elapsed = rest.IndexOf((byte)' ');
        return elapsed > 0 && !rest[..elapsed].ContainsAnyExceptInRange((byte)'0', (byte)'9') && rest.IndexOf((byte)'/') > 0;
    }

    private static bool HasHostColumn(ReadOnlySpan<byte> line, byte separator)
    {
        if (line.IndexOf(separator) < 0) return false;
        foreach (var range in line.Split(separator))
        {
            var cell = LogFields.TrimSpaces(line[range]).Trim((byte)'"');
            if (System.Text.Ascii.EqualsIgnoreCase(cell, "host"u8)) return true;
        }
        return false;
    }
}
