using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// Zeek's JSON logs (<c>LogAscii::use_json=T</c>): one object per line with the TSV field names, unset fields left
/// out. Which log a line comes from is read from <c>_path</c> when present, else from the field that names the host:
/// <c>query</c> (dns), <c>server_name</c> (ssl), <c>host</c> (http). <c>ts</c> may be epoch seconds, milliseconds
/// (<c>JSON::TS_MILLIS</c>) or an ISO 8601 string (<c>JSON::TS_ISO8601</c>). Lines of other logs (conn, files) are
/// skipped.
/// </summary>
public sealed class ZeekJsonParser : LogLineParser
{
    private readonly ScratchBuffer scratch = new();

    public override string Format => "zeek-json";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record)
    {
        scratch.Clear();
        var fields = default(ZeekJsonFields);
        var reader = new Utf8JsonReader(line, JsonValues.Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return Malformed("not a JSON object");
            if (!ReadObject(ref reader, ref fields, nested: false)) return Malformed("not a JSON object");
            if (reader.Read()) return Malformed("text after the JSON object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Malformed("invalid JSON"); // InvalidOperationException: a string escape that is not valid UTF-16 (a lone surrogate)
        }
        return Fill(ref fields, ref record);
    }

    private LineOutcome Fill(ref ZeekJsonFields fields, ref LogRecord record)
    {
        if (fields.Ts.IsEmpty || !LogTime.TryParseAny(fields.Ts, out var ms)) return Malformed("ts is not a time");
        if (!LogFields.TryParseCount(fields.RequestLength, out var bytesOut) || !LogFields.TryParseCount(fields.ResponseLength, out var bytesIn))
            return Malformed("a body length is not a number");
        var log = fields.Path.SequenceEqual("dns"u8) ? ZeekLog.Dns
            : fields.Path.SequenceEqual("http"u8) ? ZeekLog.Http
            : fields.Path.SequenceEqual("ssl"u8) ? ZeekLog.Ssl
            : !fields.Path.IsEmpty ? ZeekLog.Auto
            : !fields.Query.IsEmpty ? ZeekLog.Dns
            : !fields.ServerName.IsEmpty ? ZeekLog.Ssl
            : !fields.Host.IsEmpty ? ZeekLog.Http
            : ZeekLog.Auto;
        var host = log switch
        {
            ZeekLog.Dns => fields.Query,
            ZeekLog.Http => LogFields.HostOf(fields.Host), // a Host header may carry a port
            ZeekLog.Ssl => fields.ServerName,
            _ => default,
        };
        if (log == ZeekLog.Auto) return LineOutcome.Skipped; // conn.log, files.log, …
        if (host.IsEmpty)
        {
            // No SNI or Host header: the server's address is all there is. A DNS line without a query asked nothing.
            if (log == ZeekLog.Dns || fields.RespH.IsEmpty) return LineOutcome.Skipped;
            host = fields.RespH;
        }
        record.Host = host;
        record.Client = fields.OrigH;
        record.User = fields.Username;
        record.TimestampMs = ms;
        record.BytesOut = bytesOut;
        record.BytesIn = bytesIn;
        return LineOutcome.Record;
    }

    /// <summary>Reads an object's properties up to its end; <c>id</c> may be nested (<c>{"id":{"orig_h":…}}</c>) as
    /// some shippers write it instead of Zeek's dotted names.</summary>
    private bool ReadObject(ref Utf8JsonReader reader, ref ZeekJsonFields fields, bool nested)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) return true;
            if (reader.TokenType != JsonTokenType.PropertyName) return false;
            var name = JsonValues.Name(ref reader, scratch);
            var key = nested ? NestedKey(name) : Key(name);
            if (!reader.Read()) return false;
            if (key == Field.Id && reader.TokenType == JsonTokenType.StartObject)
            {
                if (!ReadObject(ref reader, ref fields, nested: true)) return false;
                continue;
            }
            var value = JsonValues.Scalar(ref reader, scratch);
            switch (key)
            {
                case Field.Ts: fields.Ts = value; break;
                case Field.OrigH: fields.OrigH = value; break;
                case Field.RespH: fields.RespH = value; break;
                case Field.Query: fields.Query = value; break;
                case Field.Host: fields.Host = value; break;
                case Field.ServerName: fields.ServerName = value; break;
                case Field.RequestLength: fields.RequestLength = value; break;
                case Field.ResponseLength: fields.ResponseLength = value; break;
                case Field.Username: fields.Username = value; break;
                case Field.Path: fields.Path = value; break;
            }
        }
        return false;
    }

    private static Field Key(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("ts"u8) => Field.Ts,
        2 when name.SequenceEqual("id"u8) => Field.Id,
        4 when name.SequenceEqual("host"u8) => Field.Host,
        5 when name.SequenceEqual("query"u8) => Field.Query,
        5 when name.SequenceEqual("_path"u8) => Field.Path,
        8 when name.SequenceEqual("username"u8) => Field.Username,
        9 when name.SequenceEqual("id.orig_h"u8) => Field.OrigH,
        9 when name.SequenceEqual("id.resp_h"u8) => Field.RespH,
        11 when name.SequenceEqual("server_name"u8) => Field.ServerName,
        16 when name.SequenceEqual("request_body_len"u8) => Field.RequestLength,
        17 when name.SequenceEqual("response_body_len"u8) => Field.ResponseLength,
        _ => Field.None,
    };

    private static Field NestedKey(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("orig_h"u8) ? Field.OrigH : name.SequenceEqual("resp_h"u8) ? Field.RespH : Field.None;

    private enum Field { None, Ts, Id, OrigH, RespH, Query, Host, ServerName, RequestLength, ResponseLength, Username, Path }

    /// <summary>The values of one line, pointing into the line or the scratch buffer.</summary>
    private ref struct ZeekJsonFields
    {
        public ReadOnlySpan<byte> Ts;
        public ReadOnlySpan<byte> OrigH;
        public ReadOnlySpan<byte> RespH;
        public ReadOnlySpan<byte> Query;
        public ReadOnlySpan<byte> Host;
        public ReadOnlySpan<byte> ServerName;
        public ReadOnlySpan<byte> RequestLength;
        public ReadOnlySpan<byte> ResponseLength;
        public ReadOnlySpan<byte> Username;
        public ReadOnlySpan<byte> Path;
    }
}
