using Bulwark.Governance.ShadowAi;
using Bulwark.Governance.ShadowAi.Logs;

namespace Bulwark.Tests.Governance.Logs;

public class ZeekJsonParserTests
{
    // As Zeek's JSON writer emits them (LogAscii::use_json=T): dotted id fields, unset fields left out.
    private const string Log =
        """
        {"ts":1700000000.123456,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.0.0.5","id.orig_p":53012,"id.resp_h":"10.0.0.1","id.resp_p":53,"proto":"udp","trans_id":4242,"rtt":0.012,"query":"chat.openai.com","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["104.18.32.47","172.64.155.209"],"TTLs":[60.0,60.0],"rejected":false}
        {"ts":1700000001.5,"uid":"C2","id.orig_h":"2001:db8::5","id.orig_p":51000,"id.resp_h":"104.18.32.47","id.resp_p":443,"trans_depth":1,"method":"POST","host":"API.OpenAI.com:443","uri":"/v1/files","version":"1.1","request_body_len":52311,"response_body_len":1024,"status_code":200,"username":"svc-\u0062uild","tags":[]}
        {"ts":1700000002.0,"uid":"C3","id.orig_h":"10.0.0.6","id.orig_p":51001,"id.resp_h":"142.250.1.1","id.resp_p":443,"version":"TLSv13","cipher":"TLS_AES_128_GCM_SHA256","server_name":"gemini.google.com","established":true}
        {"ts":1700000003.0,"uid":"C4","id.orig_h":"10.0.0.6","id.resp_h":"142.250.1.2","version":"TLSv13","_path":"ssl","established":true}
        {"ts":1700000004.0,"uid":"C5","id.orig_h":"10.0.0.6","id.resp_h":"10.0.0.1","proto":"udp","duration":0.1,"orig_bytes":10,"resp_bytes":20}
        {"ts":"2026-11-24T10:15:02.123456Z","uid":"C6","id":{"orig_h":"10.0.0.7","resp_h":"10.0.0.1"},"query":"b\u00fccher.example"}
        {"ts":1764000000000,"uid":"C7","id.orig_h":"10.0.0.8","query":"xn--bcher-kva.example"}
        {"ts":1700000005.0,"uid":"C8","id.orig_h":"10.0.0.9","query":
        [1,2,3]
        {"uid":"C9","query":"no-time.example"}
        {"ts":1700000006.0,"query":"a.example"} trailing
        {"ts":1700000007.0,"id.orig_h":"10.0.0.9","host":"x.example","request_body_len":"many"}
        """;

    [Fact]
    public void Reads_dns_http_and_ssl_lines_by_their_fields()
    {
        var (result, records) = LogHarness.Read(Log, new ZeekJsonParser());
        Assert.Equal(
        [
            new Seen("chat.openai.com", "", "10.0.0.5", 1_700_000_000_123, -1, -1),
            new Seen("API.OpenAI.com", "svc-build", "2001:db8::5", 1_700_000_001_500, 52311, 1024),
            new Seen("gemini.google.com", "", "10.0.0.6", 1_700_000_002_000, -1, -1),
            new Seen("142.250.1.2", "", "10.0.0.6", 1_700_000_003_000, -1, -1), // ssl without SNI: the server's address
            new Seen("bücher.example", "", "10.0.0.7", LogHarness.Ms(2026, 11, 24, 10, 15, 2, 123), -1, -1),
            new Seen("xn--bcher-kva.example", "", "10.0.0.8", 1_764_000_000_000, -1, -1), // JSON::TS_MILLIS
        ], records);
        Assert.Equal(12, result.Lines);
        Assert.Equal(1, result.Skipped); // the conn.log line
        Assert.Equal(
        [
            new MalformedLine(8, "invalid JSON"), new MalformedLine(9, "not a JSON object"), new MalformedLine(10, "ts is not a time"),
            new MalformedLine(11, "invalid JSON"), new MalformedLine(12, "a body length is not a number"),
        ], result.MalformedSamples);
    }

    [Fact]
    public void Deeply_nested_values_fail_fast_as_malformed()
    {
        var line = "{\"ts\":1700000000.0,\"query\":\"a.example\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var parser = new ZeekJsonParser();
        Assert.Equal(LineOutcome.Malformed, LogHarness.One(parser, line).Outcome);
        Assert.Equal("invalid JSON", parser.MalformedReason);
    }
}
