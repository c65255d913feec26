using Bulwark.Governance.ShadowAi.Logs;

namespace Bulwark.Tests.Governance.Logs;

public class ZeekTsvParserTests
{
    private static readonly string[] DnsFields =
        ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id", "rtt", "query", "qclass", "qclass_name", "qtype", "qtype_name", "rcode", "rcode_name", "AA", "TC", "RD", "RA", "Z", "answers", "TTLs", "rejected"];

    private static readonly string[] HttpFields =
        ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "trans_depth", "method", "host", "uri", "referrer", "version", "user_agent", "origin", "request_body_len", "response_body_len", "status_code", "status_msg", "info_code", "info_msg", "tags", "username", "password", "proxied", "orig_fuids", "orig_filenames", "orig_mime_types", "resp_fuids", "resp_filenames", "resp_mime_types"];

    private static readonly string[] SslFields =
        ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "version", "cipher", "curve", "server_name", "resumed", "last_alert", "next_protocol", "established", "ssl_history", "cert_chain_fps", "client_cert_chain_fps", "sni_matches_cert"];

    /// <summary>Zeek's ASCII writer header, as it opens every log.</summary>
    private static string Header(string path, string[] fields) =>
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n" +
        $"#path\t{path}\n#open\t2026-11-24-10-00-00\n#fields\t{string.Join('\t', fields)}\n#types\t{string.Join('\t', fields.Select(_ => "string"))}\n";

    private static string Dns(string ts, string client, string query) =>
        string.Join('\t', ts, "CHhAvVGS1DHFjwGM9", client, "53012", "10.0.0.1", "53", "udp", "4242", "0.012", query, "1", "C_INTERNET", "1", "A", "0", "NOERROR", "F", "F", "T", "T", "0", "104.18.32.47,172.64.155.209", "60.000000,60.000000", "F") + "\n";

    private static string Http(string ts, string client, string server, string host, string sent, string received, string user) =>
        string.Join('\t', ts, "C2", client, "51000", server, "80", "1", "POST", host, "/v1/chat/completions", "-", "1.1", "curl/8.5.0", "-", sent, received, "200", "OK", "-", "-", "(empty)", user, "-", "-", "-", "-", "-", "-", "-", "-") + "\n";

    private static string Ssl(string ts, string client, string server, string sni) =>
        string.Join('\t', ts, "C3", client, "51001", server, "443", "TLSv13", "TLS_AES_128_GCM_SHA256", "x25519", sni, "F", "-", "h2", "T", "CsiI", "(empty)", "(empty)", "-") + "\n";

    private const string Close = "#close\t2026-11-24-11-00-00\n";

    [Fact]
    public void Dns_log_reads_each_query_unescaped_and_skips_unset_ones()
    {
        var log = Header("dns", DnsFields)
            + Dns("1700000000.123456", "10.0.0.5", "chat.openai.com")
            + Dns("1700000001.5", "fe80::1", "Claude.AI")
            + Dns("1700000002.000000", "10.0.0.6", "xn--80ak6aa92e.com")
            + Dns("1700000003.000000", "10.0.0.6", "api.b\\xc3\\xbccher.example")
            + Dns("1700000004.000000", "10.0.0.7", "-")
            + Dns("1700000005.000000", "10.0.0.8", "odd\\x09name.example")
            + "1700000006.000000\tC9\t10.0.0.9\n"
            + Dns("yesterday", "10.0.0.9", "a.example")
            + Close;
        var (result, records) = LogHarness.Read(log, new ZeekTsvParser());
        Assert.Equal(
        [
            new Seen("chat.openai.com", "", "10.0.0.5", 1_700_000_000_123, -1, -1),
            new Seen("Claude.AI", "", "fe80::1", 1_700_000_001_500, -1, -1),
            new Seen("xn--80ak6aa92e.com", "", "10.0.0.6", 1_700_000_002_000, -1, -1),
            new Seen("api.bücher.example", "", "10.0.0.6", 1_700_000_003_000, -1, -1),
            new Seen("odd\tname.example", "", "10.0.0.8", 1_700_000_005_000, -1, -1),
        ], records);
        Assert.Equal(8 + 8 + 1, result.Lines); // 8 header lines, 8 data lines, #close
        Assert.Equal(2, result.Malformed);
        Assert.Equal([new MalformedLine(15, "fewer fields than the #fields header names"), new MalformedLine(16, "ts is not Unix seconds")], result.MalformedSamples);
        Assert.Equal("zeek", result.Format);
    }

    [Fact]
    public void Http_log_reads_the_host_header_body_sizes_and_user()
    {
        var log = Header("http", HttpFields)
            + Http("1700000000.000001", "10.0.0.5", "104.18.32.47", "api.openai.com", "52311", "1024", "-")
            + Http("1700000001.000000", "10.0.0.6", "10.1.1.1", "ollama.corp.example:11434", "0", "77", "svc-build")
            + Http("1700000002.000000", "2001:db8::6", "10.1.1.2", "-", "-", "-", "-")
            + Http("1700000003.000000", "10.0.0.7", "10.1.1.3", "x.example", "lots", "1", "-");
        var (result, records) = LogHarness.Read(log, new ZeekTsvParser(ZeekLog.Http));
        Assert.Equal(
        [
            new Seen("api.openai.com", "", "10.0.0.5", 1_700_000_000_000, 52311, 1024),
            new Seen("ollama.corp.example", "svc-build", "10.0.0.6", 1_700_000_001_000, 0, 77),
            new Seen("10.1.1.2", "", "2001:db8::6", 1_700_000_002_000, -1, -1), // no Host header: the server's address
        ], records);
        Assert.Equal([new MalformedLine(12, "a body length is not a number")], result.MalformedSamples);
        Assert.Equal("zeek-http", result.Format);
    }

    [Fact]
    public void Ssl_log_reads_the_sni_and_falls_back_to_the_server_address()
    {
        var log = Header("ssl", SslFields)
            + Ssl("1700000000.250000", "10.0.0.5", "104.18.32.47", "ChatGPT.com")
            + Ssl("1700000001.000000", "10.0.0.5", "142.250.1.1", "-")
            + Ssl("1700000002.000000", "10.0.0.5", "142.250.1.2", "gemini.google.com");
        var (_, records) = LogHarness.Read(log, new ZeekTsvParser(ZeekLog.Ssl));
        Assert.Equal(["ChatGPT.com", "142.250.1.1", "gemini.google.com"], records.Select(r => r.Host));
        Assert.Equal(1_700_000_000_250, records[0].TimestampMs);
    }

    [Fact]
    public void Auto_follows_each_header_through_concatenated_logs_and_skips_other_logs()
    {
        var log = Header("dns", DnsFields) + Dns("1700000000.000000", "10.0.0.5", "chat.openai.com") + Close
            + Header("conn", ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"]) + "1700000000.1\tC1\t10.0.0.5\t1\t10.0.0.1\t53\tudp\n" + Close
            + Header("ssl", SslFields) + Ssl("1700000001.000000", "10.0.0.6", "1.2.3.4", "copilot.microsoft.com") + Close
            + Header("http", HttpFields) + Http("1700000002.000000", "10.0.0.7", "1.2.3.5", "huggingface.co", "10", "20", "-");
        var (result, records) = LogHarness.Read(log, new ZeekTsvParser());
        Assert.Equal(["chat.openai.com", "copilot.microsoft.com", "huggingface.co"], records.Select(r => r.Host));
        Assert.Equal(10, records[2].BytesOut);
        Assert.Equal(0, result.Malformed);
    }

    [Fact]
    public void Without_a_header_a_named_log_reads_zeeks_default_columns_and_auto_reports_why_not()
    {
        var lines = Dns("1700000000.000000", "10.0.0.5", "chat.openai.com") + Dns("1700000001.000000", "10.0.0.5", "claude.ai");
        Assert.Equal(["chat.openai.com", "claude.ai"], LogHarness.Read(lines, new ZeekTsvParser(ZeekLog.Dns)).Records.Select(r => r.Host));

        var http = Http("1700000000.000000", "10.0.0.5", "1.2.3.4", "api.mistral.ai", "5", "6", "ann");
        Assert.Equal([new Seen("api.mistral.ai", "ann", "10.0.0.5", 1_700_000_000_000, 5, 6)], LogHarness.Read(http, new ZeekTsvParser(ZeekLog.Http)).Records);

        var (result, records) = LogHarness.Read(lines, new ZeekTsvParser());
        Assert.Empty(records);
        Assert.Equal(2, result.Malformed);
        Assert.StartsWith("no #fields header", result.MalformedSamples[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_log_whose_header_lacks_its_host_field_is_malformed_with_the_reason()
    {
        var log = Header("ssl", SslFields) + Ssl("1700000000.000000", "10.0.0.5", "1.2.3.4", "chat.openai.com");
        var (result, _) = LogHarness.Read(log, new ZeekTsvParser(ZeekLog.Dns));
        Assert.Equal([new MalformedLine(9, "the #fields header has no query")], result.MalformedSamples);
    }

    [Fact]
    public void A_custom_separator_and_unset_marker_are_honoured()
    {
        var log = "#separator ,\n#unset_field,NONE\n#path,dns\n#fields,ts,id.orig_h,query\n1700000000.5,10.0.0.5,perplexity.ai\n1700000001,10.0.0.6,NONE\n";
        var (result, records) = LogHarness.Read(log, new ZeekTsvParser());
        Assert.Equal([new Seen("perplexity.ai", "", "10.0.0.5", 1_700_000_000_500, -1, -1)], records);
        Assert.Equal(5, result.Skipped);
    }
}
