using System.Text;
using Bulwark.Governance.ShadowAi;
using Bulwark.Governance.ShadowAi.Logs;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Logs;

public class LogReaderTests
{
    private static string Squid(int i, string host) =>
        $"17000{i:00000}.{i % 1000:000} {i % 900,6} 10.0.{i / 250 % 250}.{i % 250} TCP_MISS/200 {i * 7} GET http://{host}/p{i} - HIER_DIRECT/1.2.3.4 text/html";

    [Fact]
    public void Lines_split_across_small_buffers_read_exactly_as_with_one_large_buffer()
    {
        var random = new Random(7);
        var text = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            text.Append(Squid(i, $"h{i}.{new string('a', random.Next(0, 60))}.example"));
            text.Append(random.Next(3) == 0 ? "\r\n" : "\n");
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var large = LogHarness.Read(bytes, new SquidNativeParser());
        var small = LogHarness.Read(bytes, new SquidNativeParser(), new LogReader { BufferBytes = 400, MaxLineBytes = 200 });
        Assert.Equal(2000, large.Records.Count);
        Assert.Equal(large.Records, small.Records);
        Assert.Equal(large.Result, small.Result with { MalformedSamples = large.Result.MalformedSamples });
    }

    [Fact]
    public void A_100_KB_line_is_malformed_and_skipped_without_losing_the_lines_around_it()
    {
        var longLine = Squid(2, "long.example") + new string('x', 100_000);
        var text = Squid(1, "before.example") + "\n" + longLine + "\n" + Squid(3, "after.example") + "\n" + longLine;
        foreach (var reader in new[] { new LogReader(), new LogReader { BufferBytes = 4096, MaxLineBytes = 1024 } })
        {
            var (result, records) = LogHarness.Read(text, new SquidNativeParser(), reader);
            Assert.Equal(["before.example", "after.example"], records.Select(r => r.Host));
            Assert.Equal(4, result.Lines);
            Assert.Equal([new MalformedLine(2, "line longer than the limit"), new MalformedLine(4, "line longer than the limit")], result.MalformedSamples);
        }
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_read_and_one_more_byte_is_not()
    {
        var reader = new LogReader { BufferBytes = 1024, MaxLineBytes = 200 };
        var line = Squid(1, "a.example");
        var exact = line + new string(' ', 200 - line.Length);
        var (result, _) = LogHarness.Read(exact + "\r\n" + exact + " \n" + exact, new SquidNativeParser(), reader);
        Assert.Equal((3, 2, 1), (result.Lines, result.Records, result.Malformed));
    }

    [Theory]
    [InlineData("", 0, 0)]
    [InlineData("\n", 1, 0)]
    [InlineData("\r\n\r\n", 2, 0)]
    [InlineData("1700000000.000 1 10.0.0.5 TCP_MISS/200 1 GET http://a.example/ - - -", 1, 1)]
    [InlineData("1700000000.000 1 10.0.0.5 TCP_MISS/200 1 GET http://a.example/ - - -\n\n", 2, 1)]
    public void Counts_lines_with_and_without_a_final_line_ending(string text, int lines, int records)
    {
        var (result, _) = LogHarness.Read(text, new SquidNativeParser());
        Assert.Equal((lines, records), ((int)result.Lines, (int)result.Records));
    }

    [Fact]
    public void Keeps_the_first_ten_malformed_lines_and_counts_them_all()
    {
        var text = string.Concat(Enumerable.Range(0, 25).Select(i => i % 2 == 0 ? "junk\n" : Squid(i, "ok.example") + "\n"));
        var (result, _) = LogHarness.Read(text, new SquidNativeParser());
        Assert.Equal(13, result.Malformed);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)(i * 2) + 1), result.MalformedSamples.Select(m => m.LineNumber));
    }

    [Fact]
    public void A_byte_order_mark_before_a_csv_header_is_ignored()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("host,time\nclaude.ai,1700000000\n")).ToArray();
        Assert.Equal("claude.ai", LogHarness.Read(bytes, LogFormats.Create("csv")).Records.Single().Host);
    }

    [Fact]
    public void Gzip_is_detected_on_a_stream_that_cannot_seek_including_concatenated_members()
    {
        var first = Encoding.UTF8.GetBytes(Squid(1, "one.example") + "\n");
        var second = Encoding.UTF8.GetBytes(Squid(2, "two.example") + "\n");
        var joined = LogHarness.Gzip(first).Concat(LogHarness.Gzip(second)).ToArray(); // cat a.gz b.gz
        using var stream = LogReader.MaybeGunzip(new OneWayStream(joined));
        var hosts = new List<string>();
        var result = new LogReader().Read(stream, new SquidNativeParser(), (ref LogRecord r) => hosts.Add(Encoding.UTF8.GetString(r.Host)));
        Assert.Equal(["one.example", "two.example"], hosts);
        Assert.Equal(first.Length + second.Length, result.Bytes);

        using var plain = LogReader.MaybeGunzip(new OneWayStream(first));
        Assert.Equal(1, new LogReader().Read(plain, new SquidNativeParser(), (ref LogRecord _) => { }).Records);
    }

    [Fact]
    public void Corrupt_gzip_is_an_input_error_and_truncated_gzip_reads_what_is_there()
    {
        var lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => Squid(i, $"h{i}.example") + "\n")));
        var gzip = LogHarness.Gzip(lines);

        using (var truncated = LogReader.MaybeGunzip(new MemoryStream(gzip[..(gzip.Length / 2)])))
        {
            var result = new LogReader().Read(truncated, new SquidNativeParser(), (ref LogRecord _) => { });
            Assert.InRange(result.Records, 1, 19_999);
            Assert.True(result.Malformed <= 1); // the line cut in the middle
        }

        var corrupt = (byte[])gzip.Clone();
        for (var i = gzip.Length / 2; i < gzip.Length / 2 + 64; i++) corrupt[i] ^= 0xA5;
        using var stream = LogReader.MaybeGunzip(new MemoryStream(corrupt));
        var error = Assert.Throws<BulwarkInputException>(() => new LogReader().Read(stream, new SquidNativeParser(), (ref LogRecord _) => { }));
        Assert.StartsWith("the log cannot be decompressed after line ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_head_read_for_sniffing_is_given_back_to_the_reader()
    {
        var bytes = Encoding.UTF8.GetBytes(Squid(1, "one.example") + "\n" + Squid(2, "two.example") + "\n");
        using var stream = LogReader.WithHead(new OneWayStream(bytes), 4096, out var head);
        Assert.Equal(bytes, head);
        var parser = LogFormats.Create(LogFormats.Sniff(head));
        Assert.Equal(2, new LogReader().Read(stream, parser, (ref LogRecord _) => { }).Records);
    }

    [Fact]
    public void Reports_progress_and_honours_cancellation()
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => Squid(i, "p.example") + "\n")));
        var progress = new Recorder();
        using (var stream = new MemoryStream(bytes))
            new LogReader { BufferBytes = 1024, MaxLineBytes = 512, Progress = progress }.Read(stream, new SquidNativeParser(), (ref LogRecord _) => { });
        Assert.True(progress.Values.Count > 5);
        Assert.Equal(bytes.Length, progress.Values[^1]);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using var again = new MemoryStream(bytes);
        Assert.Throws<OperationCanceledException>(() => new LogReader().Read(again, new SquidNativeParser(), (ref LogRecord _) => { }, cancelled.Token));
    }

    [Fact]
    public void A_missing_file_is_an_input_error() =>
        Assert.Throws<BulwarkInputException>(() => LogReader.OpenMaybeGzip(Path.Combine(Path.GetTempPath(), "no-such-log-" + Guid.NewGuid())));

    private sealed class Recorder : IProgress<long>
    {
        public List<long> Values { get; } = [];
        public void Report(long value) => Values.Add(value);
    }

    /// <summary>A pipe-like stream: reads in small pieces, cannot seek.</summary>
    private sealed class OneWayStream(byte[] bytes) : Stream
    {
        private int position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 7), bytes.Length - position);
            Array.Copy(bytes, position, buffer, offset, n);
            position += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
