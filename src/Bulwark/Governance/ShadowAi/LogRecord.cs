namespace Bulwark.Governance.ShadowAi;

/// <summary>
/// What shadow-AI discovery needs from one line of a proxy, DNS or connection log. The spans point into the reader's
/// buffer and are valid only while the handler runs: discovery copies what it keeps, so a 1 GB log costs no
/// allocation per line. Empty spans and -1 mean the log does not say.
/// </summary>
public ref struct LogRecord
{
    /// <summary>The domain asked for: a DNS query, an HTTP Host, a TLS SNI, the host of a proxied URL; as written
    /// (any case, possibly a trailing dot, punycode or UTF-8). Never a bare IP address when a name is known.</summary>
    public ReadOnlySpan<byte> Host { get; set; }

    /// <summary>The authenticated user (proxy login, mapped identity), if the log has one.</summary>
    public ReadOnlySpan<byte> User { get; set; }

    /// <summary>The client's address or host name.</summary>
    public ReadOnlySpan<byte> Client { get; set; }

    /// <summary>When, in Unix milliseconds; 0 when unknown.</summary>
    public long TimestampMs { get; set; }

    /// <summary>Bytes the client sent (an upload: the data-exfiltration indicator); -1 when unknown.</summary>
    public long BytesOut { get; set; }

    /// <summary>Bytes the client received; -1 when unknown.</summary>
    public long BytesIn { get; set; }

    /// <summary>Clears every field before the next line.</summary>
    public void Reset()
    {
        Host = default;
        User = default;
        Client = default;
        TimestampMs = 0;
        BytesOut = -1;
        BytesIn = -1;
    }
}

/// <summary>What a parser made of one line.</summary>
public enum LineOutcome
{
    /// <summary>A request or lookup: <see cref="LogRecord"/> is filled.</summary>
    Record,

    /// <summary>A comment, a header or an empty line: nothing to count.</summary>
    Skipped,

    /// <summary>Not a line of this format: counted and reported, never fatal.</summary>
    Malformed,
}

/// <summary>
/// One log format. An instance reads one file (Zeek's TSV header, a CSV header, set the column layout for the lines
/// after them), so a reader creates a fresh parser per file.
/// </summary>
public interface ILogLineParser
{
    /// <summary>The format's name as <c>--log-format</c> takes it (<c>squid</c>, <c>zeek-dns</c>, …).</summary>
    string Format { get; }

    /// <param name="line">One line without its line ending (a trailing <c>\r</c> already removed).</param>
    LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record);
}

/// <summary>Receives each record as the reader parses it.</summary>
public delegate void LogRecordHandler(ref LogRecord record);
