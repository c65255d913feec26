using System.Text;
using Bulwark.Governance.ShadowAi;
using Bulwark.Governance.ShadowAi.Logs;

namespace Bulwark.Tests.Governance.Logs;

/// <summary>
/// Reading a large log allocates a fixed amount (the pooled buffer, a parser's header tables), not an amount that
/// grows with the file: the evidence that the per-line path allocates nothing.
/// </summary>
public class LogReaderAllocationTests
{
    private const long Bound = 4 * 1024 * 1024;

    private static long hostBytes;

    [Theory]
    [InlineData("squid", 50)]
    [InlineData("zeek", 50)]
    [InlineData("zeek-json", 10)]
    [InlineData("bind", 10)]
    [InlineData("dnsmasq", 10)]
    [InlineData("csv", 10)]
    [InlineData("jsonl", 10)]
    public void Reading_a_large_log_allocates_a_small_bound_independent_of_its_size(string format, int megabytes)
    {
        var (header, block) = Generate(format);
        var blocks = ((long)megabytes * 1024 * 1024 / block.Length) + 1;
        var total = header.Length + (blocks * block.Length); // whole lines only
        var parser = LogFormats.Create(format, clock: FixedClock.Noon24Nov2026);
        using var stream = new RepeatingStream(header, block, total);
        var reader = new LogReader();
        LogRecordHandler handler = static (ref LogRecord r) => hostBytes += r.Host.Length + r.Client.Length;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = reader.Read(stream, parser, handler);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(total, result.Bytes);
        Assert.Equal(0, result.Malformed);
        Assert.True(result.Records > total / 400, $"{result.Records} records");
        Assert.True(allocated < Bound, $"{format}: {allocated:N0} bytes allocated reading {megabytes} MB");
    }

    /// <summary>A header (once) and a block of distinct lines (repeated): realistic variety, built once.</summary>
    private static (byte[] Header, byte[] Block) Generate(string format)
    {
        var header = format switch
        {
            "zeek" => "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tssl\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\n#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\n",
            "csv" => "time,client,user,host,bytes_out,bytes_in\n",
            _ => "",
        };
        var block = new StringBuilder();
        string[] hosts = ["chat.openai.com", "API.Anthropic.com", "gemini.google.com", "www.example.org", "cdn.jsdelivr.net", "xn--bcher-kva.example"];
        for (var i = 0; i < 2000; i++)
        {
            var host = $"s{i % 97}.{hosts[i % hosts.Length]}";
            var ts = 1_700_000_000 + i;
            var client = $"10.{i % 7}.{i % 13}.{i % 250}";
            block.Append(format switch
            {
                "squid" => $"{ts}.{i % 1000:000} {i % 5000,6} {client} TCP_MISS/200 {i * 13} GET https://{host}/v1/items/{i} user{i % 50} HIER_DIRECT/104.18.{i % 200}.1 application/json\n",
                "zeek" => $"{ts}.{i:000000}\tC{i:x8}abcdEF\t{client}\t{40000 + i}\t104.18.{i % 200}.1\t443\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\t{host}\tF\n",
                "zeek-json" => $"{{\"ts\":{ts}.{i:000000},\"uid\":\"C{i:x8}\",\"id.orig_h\":\"{client}\",\"id.orig_p\":{40000 + i},\"id.resp_h\":\"10.0.0.1\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"{host}\",\"qtype_name\":\"A\",\"answers\":[\"104.18.32.47\"],\"TTLs\":[60.0]}}\n",
                "bind" => $"24-Nov-2026 10:{i / 60 % 60:00}:{i % 60:00}.{i % 1000:000} queries: info: client @0x7f3a2c0d{i:x4} {client}#{40000 + i} ({host}): query: {host} IN A +E(0)K (10.0.0.1)\n",
                "dnsmasq" => $"Nov 24 10:{i / 60 % 60:00}:{i % 60:00} dnsmasq[1234]: query[A] {host} from {client}\nNov 24 10:{i / 60 % 60:00}:{i % 60:00} dnsmasq[1234]: forwarded {host} to 1.1.1.1\n",
                "csv" => $"{ts},{client},\"user, {i % 50}\",{host},{i},{i * 2}\n",
                _ => $"{{\"time\":{ts},\"client\":\"{client}\",\"host\":\"{host}\",\"bytes_out\":{i},\"bytes_in\":{i * 2}}}\n",
            });
        }
        return (Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(block.ToString()));
    }

    /// <summary>Serves the header then the block over and over up to a length; allocates nothing per read, so the
    /// measure is the reader's alone.</summary>
    private sealed class RepeatingStream(byte[] header, byte[] block, long length) : Stream
    {
        private long position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - position);
            for (var done = 0; done < n;)
            {
                var at = position + done;
                var source = at < header.Length ? header.AsSpan((int)at) : block.AsSpan((int)((at - header.Length) % block.Length));
                var take = Math.Min(source.Length, n - done);
                source[..take].CopyTo(buffer[done..]);
                done += take;
            }
            position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
