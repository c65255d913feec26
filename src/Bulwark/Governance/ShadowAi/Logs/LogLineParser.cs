namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// The base of the built-in parsers: <see cref="ILogLineParser"/> plus the reason for the last malformed line, so the
/// reader can tell the user why line 1234 was not read. The reason is a constant string: no allocation per line.
/// </summary>
public abstract class LogLineParser : ILogLineParser
{
    public abstract string Format { get; }

    /// <summary>Why the last line was <see cref="LineOutcome.Malformed"/>; null before the first.</summary>
    public string? MalformedReason { get; private set; }

    public abstract LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record);

    protected LineOutcome Malformed(string reason)
    {
        MalformedReason = reason;
        return LineOutcome.Malformed;
    }
}
