using System.Net;
using System.Net.Http.Json;
using Bulwark.Samples.MockUpstream;

namespace Bulwark.Gateway.Tests;

/// <summary>
/// An upstream that stalls, resets, answers garbage or cuts its stream, at each point of the answer. Every prompt
/// asks for the leaked token ([leak]), which the output guard must redact: whatever the fault, the client gets the
/// documented error and an audit record, and never the token or any part of the answer the guards had not vouched for.
/// (Retries and fallbacks: <see cref="ResilienceTests"/>; the default fixture has no fallback and
/// limits.upstream-timeout: 5s.)
/// </summary>
public sealed class FaultInjectionTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upstream_that_stalls_before_its_headers_is_504_and_not_retried_there(bool stream)
    {
        var (response, body, marker) = await ChatAsync("[stall]", stream);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("\"upstream_timeout\"", body, StringComparison.Ordinal);
        Assert.Equal(1, Hits(marker)); // a stalled upstream may still be working: no second wait on it
        await AssertAuditedAsync(marker, 504, "upstream_timeout");
    }

    [Fact]
    public async Task A_whole_answer_that_stalls_mid_body_is_504()
    {
        var (response, body, marker) = await ChatAsync("[stall-mid]", stream: false);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("\"upstream_timeout\"", body, StringComparison.Ordinal);
        await AssertAuditedAsync(marker, 504, "upstream_timeout");
    }

    [Fact]
    public async Task A_stream_that_stalls_mid_way_ends_with_an_error_event_and_releases_nothing_held_back()
    {
        var (response, body, marker) = await ChatAsync("[stall-mid]", stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sse = Parse(body);
        Assert.Equal("upstream_timeout", (string?)sse.Error?["code"]);
        Assert.True(sse.EndsWithDone);
        Assert.Equal("", sse.Content); // the whole answer so far was inside the hold-back
        await AssertAuditedAsync(marker, 200, "upstream_timeout");
    }

    [Fact]
    public async Task A_whole_answer_whose_connection_resets_mid_body_is_502()
    {
        var (response, body, marker) = await ChatAsync("[reset-mid]", stream: false);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("\"upstream_failed\"", body, StringComparison.Ordinal);
        Assert.Equal(1, Hits(marker)); // the upstream had answered: not retried
        await AssertAuditedAsync(marker, 502, "upstream_failed");
    }

    [Fact]
    public async Task A_stream_whose_connection_resets_mid_way_ends_with_an_error_event()
    {
        var (response, body, marker) = await ChatAsync("[reset-mid]", stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sse = Parse(body);
        Assert.Equal("upstream_failed", (string?)sse.Error?["code"]);
        Assert.True(sse.EndsWithDone);
        Assert.Equal("", sse.Content);
        await AssertAuditedAsync(marker, 200, "upstream_failed");
    }

    [Fact]
    public async Task A_connection_reset_before_the_headers_is_retried_then_502()
    {
        var (response, body, marker) = await ChatAsync("[reset]", stream: true);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("\"upstream_unavailable\"", body, StringComparison.Ordinal);
        Assert.Equal(2, Hits(marker));
        await AssertAuditedAsync(marker, 502, "upstream_unavailable");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a "stream" that is not an event stream is refused before anything is written
    public async Task Garbage_from_the_upstream_is_502(bool stream)
    {
        var (response, body, marker) = await ChatAsync("[garbage]", stream);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("\"upstream_invalid_response\"", body, StringComparison.Ordinal);
        await AssertAuditedAsync(marker, 502, "upstream_invalid_response");
    }

    [Fact]
    public async Task A_cut_stream_drops_its_held_back_text_even_when_no_rule_matches_the_half_secret()
    {
        var (response, body, marker) = await ChatAsync("[cut]", stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sse = Parse(body);
        Assert.Equal("upstream_incomplete", (string?)sse.Error?["code"]);
        Assert.True(sse.EndsWithDone);
        Assert.Equal("", sse.Content); // the cut fell inside the token: half a secret, which no rule would recognise
        await AssertAuditedAsync(marker, 200, "upstream_incomplete");
    }

    /// <summary>A chat request asking for the leaked token, with a fault marker; the body read as text, checked for the token.</summary>
    private async Task<(HttpResponseMessage Response, string Body, string Marker)> ChatAsync(string fault, bool stream)
    {
        var marker = TestMarker.New();
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"the deploy token please {marker} [leak] {fault}", stream: stream));
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(MockUpstreamServer.LeakedToken[..8], body, StringComparison.Ordinal);
        Assert.DoesNotContain("deploy token is", body, StringComparison.Ordinal); // no part of the answer either
        return (response, body, marker);
    }

    private static Sse Parse(string body) => new(body, body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e[6..]).ToList());

    private int Hits(string marker) => gateway.Upstream.Received.Count(r => r.ToJsonString().Contains(marker, StringComparison.Ordinal));

    private async Task AssertAuditedAsync(string marker, int status, string error)
    {
        var record = Assert.Single(await gateway.AuditAsync(), r => r.Excerpt?.Contains(marker, StringComparison.Ordinal) == true);
        Assert.Equal((status, error, "mock"), (record.Status, record.Error, record.Upstream));
    }
}
