using System.Text;
using Bulwark.Governance.ShadowAi;
using Bulwark.Governance.ShadowAi.Logs;

namespace Bulwark.Tests.Governance.Logs;

public class SquidNativeParserTests
{
    // Authored to Squid's native layout: "%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt".
    private const string Log =
        "1700000000.123    245 10.0.0.5 TCP_TUNNEL/200 6789 CONNECT chat.openai.com:443 alice HIER_DIRECT/104.18.32.47 -\n" +
        "1700000001.456     12 10.0.0.6 TCP_MISS/200 1520 GET http://API.Anthropic.com/v1/models bob HIER_DIRECT/160.79.104.10 application/json\n" +
        "1700000002.000      3 2001:db8::7 TCP_MISS/200 340 POST https://eu.api.Example-AI.com:8443/v1/chat?x=1 - HIER_DIRECT/2001:db8::1 application/json\n" +
        "1700000003.999      0 10.0.0.8 NONE_NONE/400 3900 NONE error:invalid-request - HIER_NONE/- text/html\n" +
        "1700000004.500     55 10.0.0.9 TCP_MISS/200 2048 GET http://xn--bcher-kva.example/ DOMAIN%5Ccarol HIER_DIRECT/1.2.3.4 text/html\n" +
        "1700000005.001     10 10.0.0.9 TCP_TUNNEL/200 100 CONNECT [2001:db8::10]:443 - HIER_DIRECT/2001:db8::10 -\n" +
        "garbage that is not squid\n" +
        "1700000006 bad\n" +
        "1700000007.000 1 10.0.0.5 TCP_MISS/200 notanumber GET http://x.example/ - HIER_NONE/- -\n" +
        "1700000008.000 1 10.0.0.5 TCP_MISS/200 10 GET /relative/path - HIER_NONE/- -\n" +
        "\n" +
        "1700000009.250      7 10.0.0.10 TCP_MISS/200 77 GET http://user:pw@files.Gemini.google.com/app eve HIER_DIRECT/1.1.1.1 text/html\n" +
        "1700000010.000      7 10.0.0.11 TCP_MISS/200 88 GET http://bücher.example/ - HIER_DIRECT/1.1.1.1 text/html";

    private static readonly Seen[] Expected =
    [
        new("chat.openai.com", "alice", "10.0.0.5", 1_700_000_000_123, -1, 6789),
        new("API.Anthropic.com", "bob", "10.0.0.6", 1_700_000_001_456, -1, 1520),
        new("eu.api.Example-AI.com", "", "2001:db8::7", 1_700_000_002_000, -1, 340),
        new("xn--bcher-kva.example", "DOMAIN%5Ccarol", "10.0.0.9", 1_700_000_004_500, -1, 2048),
        new("2001:db8::10", "", "10.0.0.9", 1_700_000_005_001, -1, 100),
        new("files.Gemini.google.com", "eve", "10.0.0.10", 1_700_000_009_250, -1, 77),
        new("bücher.example", "", "10.0.0.11", 1_700_000_010_000, -1, 88),
    ];

    [Fact]
    public void Reads_every_request_with_its_host_user_client_time_and_size()
    {
        var (result, records) = LogHarness.Read(Log, new SquidNativeParser());
        Assert.Equal(Expected, records);
        Assert.Equal(13, result.Lines);
        Assert.Equal(2, result.Skipped); // the error: line and the empty line
        Assert.Equal(4, result.Malformed);
        Assert.Equal("squid", result.Format);
        Assert.Equal(
            [new MalformedLine(7, "fewer than seven fields"), new MalformedLine(8, "fewer than seven fields"),
             new MalformedLine(9, "the size is not a number"), new MalformedLine(10, "no host in the URL")],
            result.MalformedSamples);
    }

    [Fact]
    public void Crlf_endings_and_gzip_read_the_same()
    {
        var crlf = Encoding.UTF8.GetBytes(Log.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(Expected, LogHarness.Read(crlf, new SquidNativeParser()).Records);

        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, LogHarness.Gzip(crlf));
            using var stream = LogReader.OpenMaybeGzip(path);
            var records = new List<Seen>();
            var result = new LogReader().Read(stream, new SquidNativeParser(), (ref LogRecord r) => records.Add(Seen.Of(ref r)));
            Assert.Equal(Expected, records);
            Assert.Equal(crlf.Length, result.Bytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_request_size_appended_to_the_native_fields_is_bytes_out()
    {
        var parser = (SquidNativeParser)LogFormats.Create("squid", ColumnMapping.Parse("bytes-out=11"));
        var (outcome, record) = LogHarness.One(parser, "1700000000.123    245 10.0.0.5 TCP_MISS/200 6789 POST https://api.openai.com/v1/files alice HIER_DIRECT/1.2.3.4 application/json 52311");
        Assert.Equal(LineOutcome.Record, outcome);
        Assert.Equal(new Seen("api.openai.com", "alice", "10.0.0.5", 1_700_000_000_123, 52311, 6789), record);
        Assert.Equal(LineOutcome.Malformed, LogHarness.One(parser, "1700000000.123 245 10.0.0.5 TCP_MISS/200 6789 POST https://api.openai.com/ alice HIER_DIRECT/1.2.3.4 -").Outcome);
        Assert.Equal("no request-size field", parser.MalformedReason);
    }

    [Theory]
    [InlineData("1700000000.123 1 10.0.0.5 TCP_MISS/200 1 GET ftp://Files.Example.org:21/pub/x - HIER_DIRECT/1.2.3.4 -", "Files.Example.org")]
    [InlineData("1700000000.123 1 10.0.0.5 TCP_TUNNEL/200 1 CONNECT copilot.microsoft.com - - HIER_DIRECT/1.2.3.4 -", "copilot.microsoft.com")]
    [InlineData("1700000000.123 1 10.0.0.5 TCP_MISS/200 1 GET http://[2001:db8::1]/x - HIER_DIRECT/1.2.3.4 -", "2001:db8::1")]
    [InlineData("1700000000.123 1 10.0.0.5 TCP_MISS/200 1 GET http://ollama.internal.:11434/api/chat - HIER_DIRECT/1.2.3.4 -", "ollama.internal.")]
    public void Finds_the_host_in_every_url_form(string line, string host) =>
        Assert.Equal(host, LogHarness.One(new SquidNativeParser(), line).Record?.Host);
}
