using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Bulwark.Kernel;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// Streams a log through a line parser: one pooled buffer, lines found with a vectorised search for <c>\n</c>, no
/// allocation per line, so memory stays the same for a 1 KB or a 100 GB log. A line longer than
/// <see cref="MaxLineBytes"/> is counted malformed and skipped without being held whole; a last line without a line
/// ending is still read. Malformed lines are counted, the first <see cref="MaxMalformedSamples"/> kept with a reason.
/// </summary>
public sealed class LogReader
{
    public const int DefaultBufferBytes = 1 << 20;
    public const int DefaultMaxLineBytes = 64 * 1024;
    public const int MaxMalformedSamples = 10;

    private const string TooLong = "line longer than the limit";

    /// <summary>The read buffer; 1 MiB by default, at least twice <see cref="MaxLineBytes"/>.</summary>
    public int BufferBytes { get; init; } = DefaultBufferBytes;

    /// <summary>The longest line parsed, after its line ending is removed; 64 KiB by default.</summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>Receives the bytes read so far, once per buffer.</summary>
    public IProgress<long>? Progress { get; init; }

    public LogReadResult Read(Stream input, ILogLineParser parser, LogRecordHandler handler, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(handler);
        if (MaxLineBytes < 1 || BufferBytes < 2 * MaxLineBytes)
            throw new InvalidOperationException($"{nameof(BufferBytes)} must hold at least two lines of {nameof(MaxLineBytes)}");
        var counts = new LineCounts(parser);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            ReadLines(input, buffer.AsSpan(0, BufferBytes), ref counts, handler, ct);
        }
        catch (InvalidDataException e)
        {
            // Corrupt gzip data. A truncated file is not an error: it reads up to where it ends.
            throw new BulwarkInputException($"the log cannot be decompressed after line {counts.Lines}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return counts.ToResult();
    }

    // The line loop runs once per file, so tiered compilation would leave it, and the parsers it calls, in unoptimised
    // code until a background recompile lands: seconds of a one-core run. The hot path is compiled optimised at once.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadLines(Stream input, Span<byte> buffer, ref LineCounts counts, LogRecordHandler handler, CancellationToken ct)
    {
        int start = 0, end = 0;
        var discarding = false; // inside a line already counted as too long: drop bytes up to its end
        while (true)
        {
            if (start > 0)
            {
                buffer[start..end].CopyTo(buffer); // at most MaxLineBytes move, once per buffer
                end -= start;
                start = 0;
            }
            ct.ThrowIfCancellationRequested();
            var space = buffer.Length - end;
            var read = input.ReadAtLeast(buffer[end..], space, throwOnEndOfStream: false);
            var atEnd = read < space;
            end += read;
            counts.Bytes += read;
            Progress?.Report(counts.Bytes);

            while (true)
            {
                var newline = buffer[start..end].IndexOf((byte)'\n');
                if (newline < 0) break;
                if (discarding) discarding = false;
                else Line(buffer.Slice(start, newline), ref counts, handler);
                start += newline + 1;
            }

            if (atEnd)
            {
                if (end > start && !discarding) Line(buffer[start..end], ref counts, handler);
                return;
            }
            if (discarding) start = end;
            else if (end - start > MaxLineBytes)
            {
                counts.Count(LineOutcome.Malformed, TooLong);
                discarding = true;
                start = end;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Line(ReadOnlySpan<byte> line, ref LineCounts counts, LogRecordHandler handler)
    {
        if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
        if (counts.Lines == 0 && line.StartsWith("\uFEFF"u8)) line = line[3..]; // a UTF-8 byte-order mark
        if (line.Length > MaxLineBytes)
        {
            counts.Count(LineOutcome.Malformed, TooLong);
            return;
        }
        if (line.IsEmpty)
        {
            counts.Count(LineOutcome.Skipped, null);
            return;
        }
        var record = default(LogRecord);
        record.Reset();
        var outcome = counts.Parser.Parse(line, ref record);
        counts.Count(outcome, null);
        if (outcome == LineOutcome.Record) handler(ref record);
    }

    /// <summary>Opens a log file, decompressing gzip when its first bytes say so. (Standard input is the host's to open.)</summary>
    public static Stream OpenMaybeGzip(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            // The reader asks for 1 MiB at a time, so the file's own buffer only serves GZipStream's small reads.
            return MaybeGunzip(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024, FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot open the log {path}: {e.Message}", e);
        }
    }

    /// <summary>Wraps a stream in <see cref="GZipStream"/> when it starts with gzip's magic bytes 1f 8b. Concatenated
    /// gzip members (rotated logs joined with cat) are read through.</summary>
    public static Stream MaybeGunzip(Stream input)
    {
        var replay = WithHead(input, 2, out var head);
        return head is [0x1f, 0x8b] ? new GZipStream(replay, CompressionMode.Decompress) : replay;
    }

    /// <summary>Reads up to <paramref name="count"/> bytes from the start of <paramref name="input"/> into
    /// <paramref name="head"/> (for <see cref="LogFormats.Sniff"/>) and returns a stream that yields the whole input.</summary>
    public static Stream WithHead(Stream input, int count, out byte[] head)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var bytes = new byte[count];
        var n = input.ReadAtLeast(bytes, count, throwOnEndOfStream: false);
        head = n == count ? bytes : bytes[..n];
        return new PrefixedStream(head, input);
    }

    /// <summary>The running counts, a struct passed by reference so the line loop touches no heap object.</summary>
    private struct LineCounts(ILogLineParser parser)
    {
        public readonly ILogLineParser Parser = parser;
        public long Lines;
        public long Records;
        public long Skipped;
        public long Malformed;
        public long Bytes;
        private List<MalformedLine>? samples;

        public void Count(LineOutcome outcome, string? reason)
        {
            Lines++;
            switch (outcome)
            {
                case LineOutcome.Record: Records++; break;
                case LineOutcome.Skipped: Skipped++; break;
                default:
                    Malformed++;
                    samples ??= [];
                    if (samples.Count < MaxMalformedSamples)
                        samples.Add(new MalformedLine(Lines, reason ?? (Parser as LogLineParser)?.MalformedReason ?? "not a line of this format"));
                    break;
            }
        }

        public readonly LogReadResult ToResult() =>
            new(Parser.Format, Lines, Records, Skipped, Malformed, Bytes, samples is null ? [] : samples.ToArray());
    }
}
