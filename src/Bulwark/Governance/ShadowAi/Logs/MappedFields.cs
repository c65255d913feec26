namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// The six values a column mapping picked from a CSV row or a JSON line, and how they become a record: a host column
/// may hold a URL or <c>host:port</c>; a time may be epoch seconds, milliseconds or ISO 8601; <c>-</c> is unknown.
/// </summary>
internal ref struct MappedFields
{
    public const byte None = 0, Host = 1, User = 2, Client = 3, Time = 4, BytesOut = 5, BytesIn = 6;

    public ReadOnlySpan<byte> HostValue;
    public ReadOnlySpan<byte> UserValue;
    public ReadOnlySpan<byte> ClientValue;
    public ReadOnlySpan<byte> TimeValue;
    public ReadOnlySpan<byte> BytesOutValue;
    public ReadOnlySpan<byte> BytesInValue;

    public void Set(byte slot, ReadOnlySpan<byte> value)
    {
        switch (slot)
        {
            case Host: HostValue = value; break;
            case User: UserValue = value; break;
            case Client: ClientValue = value; break;
            case Time: TimeValue = value; break;
            case BytesOut: BytesOutValue = value; break;
            case BytesIn: BytesInValue = value; break;
        }
    }

    /// <summary>Fills the record; returns why not when a value does not read.</summary>
    public readonly string? Fill(ref LogRecord record)
    {
        var host = LogFields.HostOf(LogFields.TrimSpaces(HostValue));
        if (host.IsEmpty) return "the host column holds no host";
        var time = LogFields.TrimSpaces(TimeValue);
        var ms = 0L;
        if (!time.IsEmpty && !time.SequenceEqual("-"u8) && !LogTime.TryParseAny(time, out ms))
            return "the time is not Unix seconds, milliseconds or ISO 8601";
        if (!LogFields.TryParseCount(LogFields.TrimSpaces(BytesOutValue), out var bytesOut) || !LogFields.TryParseCount(LogFields.TrimSpaces(BytesInValue), out var bytesIn))
            return "a byte count is not a number";
        record.Host = host;
        record.User = Known(UserValue);
        record.Client = Known(ClientValue);
        record.TimestampMs = ms;
        record.BytesOut = bytesOut;
        record.BytesIn = bytesIn;
        return null;
    }

    private static ReadOnlySpan<byte> Known(ReadOnlySpan<byte> value)
    {
        value = LogFields.TrimSpaces(value);
        return value.SequenceEqual("-"u8) ? default : value;
    }
}
