using System.Runtime.CompilerServices;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// Squid's native access log (<c>logformat squid</c>):
/// <c>time elapsed client code/status bytes method URL user hierarchy/peer type</c>, fields split by runs of spaces
/// (elapsed is padded). Host is the URL's host (<c>http://host:port/path</c>, or CONNECT's <c>host:443</c>); bytes, the
/// size of the reply sent to the client, is <see cref="LogRecord.BytesIn"/>. The native format logs no request size,
/// so <see cref="LogRecord.BytesOut"/> stays -1 unless a custom logformat appends one (<c>%&gt;st</c>) and its field
/// number is given.
/// </summary>
public sealed class SquidNativeParser : LogLineParser
{
    private const int NativeFields = 10;

    private readonly int requestSizeField;

    /// <param name="requestSizeField">The 1-based field holding the request size (11 or later: appended after the
    /// native fields), or 0 when the log has none.</param>
    public SquidNativeParser(int requestSizeField = 0)
    {
        if (requestSizeField != 0 && requestSizeField is <= NativeFields or > 64)
            throw new ArgumentOutOfRangeException(nameof(requestSizeField), requestSizeField, "the request size must be a field after the native ten (11 to 64)");
        this.requestSizeField = requestSizeField;
    }

    public override string Format => "squid";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record)
    {
        var rest = line;
        var time = Next(ref rest);
        Next(ref rest); // elapsed
        var client = Next(ref rest);
        var code = Next(ref rest);
        var bytes = Next(ref rest);
        Next(ref rest); // method: CONNECT's host:port is handled with the rest by HostOf
        var url = Next(ref rest);
        if (url.IsEmpty) return Malformed("fewer than seven fields");
        if (!LogTime.TryParseEpoch(time, allowMilliseconds: false, out var ms)) return Malformed("the time is not Unix seconds");
        if (code.IndexOf((byte)'/') < 0) return Malformed("no code/status field");
        if (!LogFields.TryParseCount(bytes, out var bytesIn)) return Malformed("the size is not a number");
        if (url.StartsWith("error:"u8)) return LineOutcome.Skipped; // Squid's own transaction errors: no request made
        var host = LogFields.HostOf(url);
        if (host.IsEmpty) return Malformed("no host in the URL");
        var user = Next(ref rest);

        record.Host = host;
        record.Client = client;
        record.User = user is [(byte)'-'] ? default : user;
        record.TimestampMs = ms;
        record.BytesIn = bytesIn;
        if (requestSizeField > 0) return RequestSize(rest, ref record);
        return LineOutcome.Record;
    }

    private LineOutcome RequestSize(ReadOnlySpan<byte> rest, ref LogRecord record)
    {
        var field = 8; // the user field was the eighth
        var value = default(ReadOnlySpan<byte>);
        while (field < requestSizeField)
        {
            value = Next(ref rest);
            field++;
        }
        if (value.IsEmpty) return Malformed("no request-size field");
        if (!LogFields.TryParseCount(value, out var bytesOut)) return Malformed("the request size is not a number");
        record.BytesOut = bytesOut;
        return LineOutcome.Record;
    }

    /// <summary>The next space-separated field; empty when the line has no more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<byte> Next(scoped ref ReadOnlySpan<byte> rest)
    {
        var start = 0;
        while (start < rest.Length && rest[start] == ' ') start++;
        rest = rest[start..];
        var end = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> field;
        if (end < 0)
        {
            field = rest;
            rest = default;
        }
        else
        {
            field = rest[..end];
            rest = rest[(end + 1)..];
        }
        return field;
    }
}
