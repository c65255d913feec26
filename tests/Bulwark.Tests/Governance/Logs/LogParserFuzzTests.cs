using System.Diagnostics;
using System.Text;
using Bulwark.Governance.ShadowAi;
using Bulwark.Governance.ShadowAi.Logs;
using Bulwark.Tests.Models;

namespace Bulwark.Tests.Governance.Logs;

/// <summary>
/// Seeded mutations of a small log in every format, read through the real reader (sometimes with a tiny buffer, so
/// lines straddle reads): nothing throws, records + skipped + malformed = lines, every record has a host and sane
/// numbers, and each input is read within a time bound.
/// </summary>
[Collection(SerialFuzzing.Name)]
public class LogParserFuzzTests
{
    private static readonly (string Format, string Log)[] Seeds =
    [
        ("squid", "1700000000.123    245 10.0.0.5 TCP_TUNNEL/200 6789 CONNECT chat.openai.com:443 alice HIER_DIRECT/104.18.32.47 -\n1700000001.456 12 2001:db8::7 TCP_MISS/200 1520 GET http://u:p@[2001:db8::1]:8080/v1?x=1#f bob HIER_DIRECT/1.2.3.4 text/html\n1700000003.999 0 10.0.0.8 NONE_NONE/400 3900 NONE error:invalid-request - HIER_NONE/- -\n"),
        ("zeek", "#separator \\x09\n#unset_field\t-\n#empty_field\t(empty)\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.resp_h\tquery\n1700000000.123456\tC1\t10.0.0.5\t10.0.0.1\tchat.openai.com\n1700000001\tC2\tfe80::1\t10.0.0.1\tb\\xc3\\xbccher.example\n#close\tx\n#path\thttp\n#fields\tts\tid.orig_h\tid.resp_h\thost\trequest_body_len\tresponse_body_len\tusername\n1700000002.5\t10.0.0.6\t1.2.3.4\tapi.openai.com:443\t10\t(empty)\t-\n"),
        ("zeek-ssl", "1700000000.25\tC3\t10.0.0.5\t51001\t1.2.3.4\t443\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\tgemini.google.com\tF\n1700000001\tC4\t10.0.0.5\t51001\t1.2.3.5\t443\tTLSv13\t-\t-\t-\tF\n"),
        ("zeek-json", "{\"ts\":1700000000.123,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.5\",\"query\":\"chat.openai.com\",\"answers\":[\"1.2.3.4\"]}\n{\"ts\":\"2026-11-24T10:15:02Z\",\"id\":{\"orig_h\":\"10.0.0.6\",\"resp_h\":\"1.2.3.4\"},\"_path\":\"http\",\"host\":\"b\\u00fccher.example:80\",\"request_body_len\":5}\n"),
        ("bind", "24-Nov-2026 10:15:02.123 queries: info: client @0x7f3a 10.0.0.5#53012 (chat.openai.com): view internal: query: chat.openai.com IN A +E(0)K (10.0.0.1)\nclient 2001:db8::5#1: query: Claude.AI IN AAAA - (10.0.0.1)\nNov 24 10:15:07 ns1 named[812]: client @0x7f 10.0.0.8#5001 (x.example): query: x.example IN A + (10.0.0.1)\n"),
        ("dnsmasq", "Nov 24 10:15:02 dnsmasq[1234]: query[A] chat.openai.com from 10.0.0.5\nNov 24 10:15:02 dnsmasq[1234]: forwarded chat.openai.com to 1.1.1.1\n2026-11-24T10:15:06.789+01:00 gw dnsmasq[1]: 17 10.0.0.6/53012 query[HTTPS] claude.ai from 10.0.0.6\n"),
        ("csv", "time,client,user,host,bytes_out,bytes_in\n2026-11-24T10:15:02Z,10.0.0.5,\"Doe, Jane\",\"https://chat.openai.com/c\",52311,1024\n1700000002500,2001:db8::7,\"say \"\"hi\"\"\",claude.ai:443,-,-\n"),
        ("tsv", "host\tclient\ttime\nchat.openai.com\t10.0.0.5\t1700000000\n\"claude.ai\"\t10.0.0.6\t2026-11-24 10:15:02+01:00\n"),
        ("jsonl", "{\"time\":1700000000,\"client\":\"10.0.0.5\",\"host\":\"chat.openai.com\",\"bytes_out\":5,\"x\":{\"y\":[1,2]}}\n{\"time\":\"2026-11-24T10:15:02.5Z\",\"h\\u006fst\":\"b\\u00fccher.example\",\"user\":null}\n"),
    ];

    private static readonly string[] Insertions =
    [
        "\n", "\r\n", "\r", "\t", " ", "  ", "\\x09", "\\x", "\\", "\"", "\"\"", "{", "}", "[", "]", ":", ",", "#", "@", "://", "[::1]:", "-",
        "(empty)", "#fields\tts\tquery\n", "#separator \\x2c\n", "#path\tconn\n", "query: ", "client ", "query[A] ", " from ", "dnsmasq[1]: ",
        "\\u00", "\\ud800", "ü", "\u00ff", "\0", "99999999999999999999", "1700000000.", ".5", "e9", "2026-02-30T25:61:61Z", "Feb 29 ",
    ];

    [Fact]
    public void Mutated_logs_of_every_format_never_throw_and_count_every_line()
    {
        var random = new Random(20261124);
        var clock = Stopwatch.StartNew();
        long records = 0, malformed = 0;
        for (var i = 0; i < 30_000; i++)
        {
            var (format, log) = Seeds[i % Seeds.Length];
            var bytes = Mutate(Encoding.UTF8.GetBytes(log), random);
            var reader = random.Next(4) == 0 ? new LogReader { BufferBytes = 64, MaxLineBytes = 32 } : new LogReader { BufferBytes = 1 << 16, MaxLineBytes = 1 << 12 };
            var watch = Stopwatch.StartNew();
            using var stream = new MemoryStream(bytes);
            var result = reader.Read(stream, LogFormats.Create(format, clock: FixedClock.Noon24Nov2026), static (ref LogRecord r) =>
            {
                Assert.False(r.Host.IsEmpty);
                Assert.True(r.TimestampMs >= 0 && r.BytesOut >= -1 && r.BytesIn >= -1);
            });
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"mutation {i} ({format}) took {watch.Elapsed}");
            LogHarness.AssertCounts(result);
            Assert.Equal(bytes.Length, result.Bytes);
            Assert.True(result.MalformedSamples.Count <= LogReader.MaxMalformedSamples);
            Assert.All(result.MalformedSamples, m => Assert.InRange(m.LineNumber, 1, result.Lines));
            records += result.Records;
            malformed += result.Malformed;
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {clock.Elapsed}");
        Assert.True(records > 0 && malformed > 0, "the mutations reach both records and malformed lines");
    }

    [Fact]
    public void Random_bytes_never_throw_in_any_parser()
    {
        var random = new Random(424242);
        foreach (var format in LogFormats.Names)
        {
            var parser = LogFormats.Create(format, clock: FixedClock.Noon24Nov2026);
            for (var i = 0; i < 2000; i++)
            {
                var line = new byte[random.Next(0, 200)];
                random.NextBytes(line);
                var record = default(LogRecord);
                record.Reset();
                var outcome = parser.Parse(line, ref record);
                Assert.True(outcome != LineOutcome.Record || !record.Host.IsEmpty, format);
            }
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break; // bit flip
                case 1: bytes[at] = (byte)random.Next(0x20, 0x7f); break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break; // truncate
                case 3: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Insertions[random.Next(Insertions.Length)])); break;
                case 4: bytes.InsertRange(at, Enumerable.Repeat((byte)random.Next(0x21, 0x7f), random.Next(30, 6000))); break; // long line
                case 5: bytes.RemoveRange(at, Math.Min(random.Next(1, 20), bytes.Count - at)); break;
                default:
                    var token = Encoding.UTF8.GetBytes(Insertions[random.Next(Insertions.Length)]);
                    for (var r = random.Next(2, 100); r > 0; r--) bytes.InsertRange(at, token);
                    break;
            }
        }
        return [.. bytes];
    }
}
