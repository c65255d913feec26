using System.Text;
using Bulwark.Governance.ShadowAi.Logs;
using Bulwark.Kernel;

namespace Bulwark.Tests.Governance.Logs;

public class LogFormatsTests
{
    [Fact]
    public void Every_name_creates_a_parser_of_that_format()
    {
        foreach (var name in LogFormats.Names) Assert.Equal(name, LogFormats.Create(name).Format);
        Assert.Equal("zeek-dns", LogFormats.Create(" Zeek-DNS ").Format);
    }

    [Theory]
    [InlineData("apache", null)]
    [InlineData("zeek", "host=a")]
    [InlineData("bind", "host=a")]
    [InlineData("squid", "bytes-out=5")]
    [InlineData("squid", "host=3,bytes-out=11")]
    [InlineData("csv", "user=login")]
    public void Bad_formats_and_mappings_are_input_errors(string format, string? mapping) =>
        Assert.Throws<BulwarkInputException>(() => LogFormats.Create(format, mapping is null ? null : ColumnMapping.Parse(mapping)));

    [Theory]
    [InlineData("host")]
    [InlineData("colour=red")]
    [InlineData("host=a,HOST=b")]
    [InlineData("host=0")]
    [InlineData("host=99999")]
    [InlineData("host=a,header=maybe")]
    [InlineData("host=")]
    public void Bad_mapping_syntax_is_an_input_error(string spec) =>
        Assert.Throws<BulwarkInputException>(() => ColumnMapping.Parse(spec));

    [Fact]
    public void Mapping_syntax_reads_names_numbers_and_the_header_flag()
    {
        var mapping = ColumnMapping.Parse(" host = Dest Host , bytes_out=7, Bytes-In=sent_to_client, header=yes ");
        Assert.Equal(new ColumnMapping { Host = "Dest Host", BytesOut = "7", BytesIn = "sent_to_client", Header = true }, mapping);
        Assert.False(ColumnMapping.Parse("host=2,client=1").HasHeader);
        Assert.True(ColumnMapping.Parse("host=2,client=ip").HasHeader);
    }

    [Theory]
    [InlineData("#separator \\x09\n#set_separator\t,\n", "zeek")]
    [InlineData("{\"ts\":1700000000.1,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.5\",\"query\":\"a.example\"}\n", "zeek-json")]
    [InlineData("{\"host\":\"a.example\",\"time\":1}\n", "jsonl")]
    [InlineData("1700000000.123    245 10.0.0.5 TCP_TUNNEL/200 6789 CONNECT chat.openai.com:443 - HIER_DIRECT/1.2.3.4 -\n", "squid")]
    [InlineData("24-Nov-2026 10:15:01.000 general: info: running\n24-Nov-2026 10:15:02.123 queries: info: client @0x7f 10.0.0.5#53012 (a.example): query: a.example IN A + (10.0.0.1)\n", "bind")]
    [InlineData("Nov 24 10:15:02 dnsmasq[1234]: started, version 2.90\n", "dnsmasq")]
    [InlineData("\uFEFFtime,client,Host\r\n1,2,3\r\n", "csv")]
    [InlineData("time\thost\n1\ta.example\n", "tsv")]
    public void Sniffs_the_format_from_the_first_lines(string head, string format) =>
        Assert.Equal(format, LogFormats.Sniff(Encoding.UTF8.GetBytes(head)));

    [Theory]
    [InlineData("")]
    [InlineData("hello world\n")]
    [InlineData("a,b,c\n1,2,3\n")]
    public void An_unknown_head_is_an_input_error(string head)
    {
        var error = Assert.Throws<BulwarkInputException>(() => LogFormats.Sniff(Encoding.UTF8.GetBytes(head)));
        Assert.Contains("squid", error.Message, StringComparison.Ordinal);
    }
}
