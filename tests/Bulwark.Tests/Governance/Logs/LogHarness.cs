using System.IO.Compression;
using System.Text;
using Bulwark.Governance.ShadowAi;
using Bulwark.Governance.ShadowAi.Logs;

namespace Bulwark.Tests.Governance.Logs;

/// <summary>A record copied out of the reader's buffer, so a test can compare it after reading.</summary>
public sealed record Seen(string Host, string User, string Client, long TimestampMs, long BytesOut, long BytesIn)
{
    public static Seen Of(ref LogRecord record) => new(
        Encoding.UTF8.GetString(record.Host), Encoding.UTF8.GetString(record.User), Encoding.UTF8.GetString(record.Client),
        record.TimestampMs, record.BytesOut, record.BytesIn);
}

/// <summary>Reads authored log text through the real reader and collects what it yields.</summary>
public static class LogHarness
{
    public static (LogReadResult Result, List<Seen> Records) Read(string text, ILogLineParser parser, LogReader? reader = null) =>
        Read(Encoding.UTF8.GetBytes(text), parser, reader);

    public static (LogReadResult Result, List<Seen> Records) Read(byte[] bytes, ILogLineParser parser, LogReader? reader = null)
    {
        var records = new List<Seen>();
        using var stream = new MemoryStream(bytes);
        var result = (reader ?? new LogReader()).Read(stream, parser, (ref LogRecord r) => records.Add(Seen.Of(ref r)));
        AssertCounts(result);
        Assert.Equal(records.Count, result.Records);
        return (result, records);
    }

    public static void AssertCounts(LogReadResult result) =>
        Assert.Equal(result.Lines, result.Records + result.Skipped + result.Malformed);

    /// <summary>Unix milliseconds of a UTC time, for expected values.</summary>
    public static long Ms(int year, int month, int day, int hour, int minute, int second, int millisecond = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>Parses one line directly, for parser-level cases.</summary>
    public static (LineOutcome Outcome, Seen? Record) One(ILogLineParser parser, string line)
    {
        var record = default(LogRecord);
        record.Reset();
        var outcome = parser.Parse(Encoding.UTF8.GetBytes(line), ref record);
        return (outcome, outcome == LineOutcome.Record ? Seen.Of(ref record) : null);
    }
}

/// <summary>A clock stopped at one instant: syslog times get their year from it.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public static readonly FixedClock Noon24Nov2026 = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => now;
}
