using Bulwark.Governance.ShadowAi.Logs;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Logs;

public class JsonLinesParserTests
{
    private const string Log =
        """
        {"timestamp":"2026-11-24T10:15:02Z","src":"10.0.0.5","user":{"name":"nested is skipped"},"login":"alice","dest":"chat.openai.com","up":52311,"down":1024}
        {"timestamp":1700000001,"src":"2001:db8::6","login":null,"dest":"https://Claude.AI/chat","up":"10","down":"-","extra":[1,{"a":[2]}]}
        {"timestamp":1700000002000,"src":"10.0.0.7","dest":"b\u00fccher.example"}
        {"timestamp":1700000003,"src":"10.0.0.7","de\u0073t":"xn--bcher-kva.example"}
        {"timestamp":1700000004,"src":"10.0.0.8"}
        {"timestamp":"soon","dest":"x.example"}
        {"timestamp":1700000005,"dest":"x.example","up":-5}
        not json
        """;

    [Fact]
    public void Reads_mapped_keys_of_each_object()
    {
        var parser = new JsonLinesParser(ColumnMapping.Parse("host=dest,user=login,client=src,time=timestamp,bytes-out=up,bytes-in=down"));
        var (result, records) = LogHarness.Read(Log, parser);
        Assert.Equal(
        [
            new Seen("chat.openai.com", "alice", "10.0.0.5", LogHarness.Ms(2026, 11, 24, 10, 15, 2), 52311, 1024),
            new Seen("Claude.AI", "", "2001:db8::6", 1_700_000_001_000, 10, -1),
            new Seen("bücher.example", "", "10.0.0.7", 1_700_000_002_000, -1, -1),
            new Seen("xn--bcher-kva.example", "", "10.0.0.7", 1_700_000_003_000, -1, -1),
        ], records);
        Assert.Equal(
        [
            new MalformedLine(5, "no host key"), new MalformedLine(6, "the time is not Unix seconds, milliseconds or ISO 8601"),
            new MalformedLine(7, "a byte count is not a number"), new MalformedLine(8, "invalid JSON"),
        ], result.MalformedSamples);
    }

    [Fact]
    public void Column_numbers_are_refused_for_json() =>
        Assert.Throws<BulwarkInputException>(() => new JsonLinesParser(ColumnMapping.Parse("host=3")));
}
