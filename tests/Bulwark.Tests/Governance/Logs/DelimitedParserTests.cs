using Bulwark.Governance.ShadowAi.Logs;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Logs;

public class DelimitedParserTests
{
    // A proxy export with its own column names, RFC 4180 quoting and a comment.
    private const string Csv =
        "# exported 2026-11-24\n" +
        "When,Source IP,Login,Destination,Sent,Received\n" +
        "2026-11-24T10:15:02.123Z,10.0.0.5,alice,chat.openai.com,52311,1024\n" +
        "1700000001,10.0.0.6,\"Doe, Jane\",\"https://API.Anthropic.com/v1/messages\",10,20\n" +
        "1700000002500,2001:db8::7,\"say \"\"hi\"\"\",claude.ai:443,-,-\n" +
        "2026-11-24 11:15:02+01:00, 10.0.0.8 , bob , Files.Gemini.Google.com ,0,0\n" +
        "1700000003,10.0.0.9,-,xn--bcher-kva.example,1,2\n" +
        "1700000004,10.0.0.9,-,bücher.example,1,2\n" +
        "1700000005,10.0.0.9,\"unclosed,x.example,1,2\n" +
        "1700000006,10.0.0.9,\"a\"b,x.example,1,2\n" +
        "tomorrow,10.0.0.9,-,x.example,1,2\n" +
        "1700000007,10.0.0.9,-,,1,2\n" +
        "1700000008,10.0.0.9,-,x.example,one,2\n" +
        "1700000009,10.0.0.9\n";

    private static readonly ColumnMapping Mapping = ColumnMapping.Parse("host=Destination, user=login, client=source ip, time=When, bytes-out=Sent, bytes-in=Received");

    [Fact]
    public void Csv_reads_mapped_columns_by_header_name()
    {
        var (result, records) = LogHarness.Read(Csv, new DelimitedParser(Mapping));
        Assert.Equal(
        [
            new Seen("chat.openai.com", "alice", "10.0.0.5", LogHarness.Ms(2026, 11, 24, 10, 15, 2, 123), 52311, 1024),
            new Seen("API.Anthropic.com", "Doe, Jane", "10.0.0.6", 1_700_000_001_000, 10, 20),
            new Seen("claude.ai", "say \"hi\"", "2001:db8::7", 1_700_000_002_500, -1, -1),
            new Seen("Files.Gemini.Google.com", "bob", "10.0.0.8", LogHarness.Ms(2026, 11, 24, 10, 15, 2), 0, 0),
            new Seen("xn--bcher-kva.example", "", "10.0.0.9", 1_700_000_003_000, 1, 2),
            new Seen("bücher.example", "", "10.0.0.9", 1_700_000_004_000, 1, 2),
        ], records);
        Assert.Equal(2, result.Skipped);
        Assert.Equal(
        [
            new MalformedLine(9, "an unclosed quote (a record is one line)"), new MalformedLine(10, "text after a closing quote"),
            new MalformedLine(11, "the time is not Unix seconds, milliseconds or ISO 8601"), new MalformedLine(12, "the host column holds no host"),
            new MalformedLine(13, "a byte count is not a number"), new MalformedLine(14, "fewer columns than the mapping reads"),
        ], result.MalformedSamples);
    }

    [Fact]
    public void Tsv_reads_columns_by_number_without_a_header()
    {
        var tsv = "10.0.0.5\tchat.openai.com\t1700000000\r\n10.0.0.6\tperplexity.ai\t1700000001\r\n10.0.0.7\r\n";
        var parser = new DelimitedParser(ColumnMapping.Parse("client=1,host=2,time=3"), (byte)'\t');
        var (result, records) = LogHarness.Read(tsv, parser);
        Assert.Equal(
            [new Seen("chat.openai.com", "", "10.0.0.5", 1_700_000_000_000, -1, -1), new Seen("perplexity.ai", "", "10.0.0.6", 1_700_000_001_000, -1, -1)],
            records);
        Assert.Equal(1, result.Malformed);
        Assert.Equal("tsv", result.Format);
    }

    [Fact]
    public void The_default_mapping_reads_conventional_names_and_a_missing_host_column_is_reported()
    {
        var (_, records) = LogHarness.Read("HOST,client,time\ncopilot.microsoft.com,10.0.0.5,1700000000\n", LogFormats.Create("csv"));
        Assert.Equal([new Seen("copilot.microsoft.com", "", "10.0.0.5", 1_700_000_000_000, -1, -1)], records);

        var (result, none) = LogHarness.Read("domain,client\nx.example,10.0.0.5\ny.example,10.0.0.6\n", LogFormats.Create("csv"));
        Assert.Empty(none);
        Assert.Equal([new MalformedLine(2, "the header has no column 'host'"), new MalformedLine(3, "the header has no column 'host'")], result.MalformedSamples);
    }

    [Fact]
    public void Names_without_a_header_are_refused_at_once() =>
        Assert.Throws<BulwarkInputException>(() => new DelimitedParser(ColumnMapping.Parse("host=domain,header=no")));
}
