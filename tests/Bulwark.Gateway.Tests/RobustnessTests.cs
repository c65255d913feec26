using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Tests;

/// <summary>Bad requests and failing upstreams: each gets a clear OpenAI-style error with the right status, and an audit record.</summary>
public sealed class RobustnessTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Malformed_json_is_400_invalid_json()
    {
        var (status, code) = await PostRawAsync("{\"model\": \"demo\", \"messages\": [", "application/json");
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_json"), (status, code));
        await AssertAuditedAsync(400, "invalid_json");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var huge = ChatCompletionTests.Chat(new string('a', 70_000)).ToJsonString();
        var (status, code) = await PostRawAsync(huge, "application/json");
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "request_too_large"), (status, code));
        await AssertAuditedAsync(413, "request_too_large");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_too()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(ChatCompletionTests.Chat(new string('b', 70_000)).ToJsonString())));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_utf8_is_400_invalid_encoding()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"model\": \"demo\", \"messages\": [{\"role\": \"user\", \"content\": \"caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}]}")).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await gateway.Http.PostAsync("/v1/chat/completions", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_encoding", await CodeAsync(response));
        await AssertAuditedAsync(400, "invalid_encoding");
    }

    [Fact]
    public async Task An_unknown_model_is_404_model_not_found()
    {
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("hello", model: "gpt-nonexistent"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", await CodeAsync(response));
        await AssertAuditedAsync(404, "model_not_found");
    }

    [Fact]
    public async Task Missing_messages_is_400()
    {
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", new JsonObject { ["model"] = "demo" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_messages", await CodeAsync(response));
    }

    [Fact]
    public async Task An_unknown_route_is_404_in_OpenAI_shape()
    {
        var response = await gateway.Http.GetAsync("/v1/fine_tuning/jobs");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_route", await CodeAsync(response));
        var outside = await gateway.Client(null).PostAsync("/admin/anything", null);
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        Assert.Equal("unknown_route", await CodeAsync(outside));
    }

    [Fact]
    public async Task An_upstream_server_error_is_502()
    {
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("please [fail]"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_error", await CodeAsync(response));
        await AssertAuditedAsync(502, "upstream_error");
    }

    [Fact]
    public async Task An_upstream_answer_that_is_not_json_is_502()
    {
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("please [garbage]"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_invalid_response", await CodeAsync(response));
    }

    [Fact]
    public async Task A_slow_upstream_is_504_after_the_configured_timeout()
    {
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("please [slow]"));
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", await CodeAsync(response));
        await AssertAuditedAsync(504, "upstream_timeout");
    }

    [Fact]
    public async Task An_unreachable_upstream_is_502()
    {
        var policy = Path.Combine(Path.GetTempPath(), "bulwark-no-guards-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        await File.WriteAllTextAsync(policy, "mode: enforce\ninput: []\n"); // this test is about the upstream, not the guards
        var options = Bulwark.Gateway.Configuration.GatewayConfigLoader.Parse($"""
            upstreams: [{"{"} name: gone, kind: openai-compatible, base-url: "http://127.0.0.1:9/v1" {"}"}]
            models: [{"{"} name: demo, upstream: gone {"}"}]
            guards: {"{"} policy: {policy} {"}"}
            database: {Path.Combine(Path.GetTempPath(), "bulwark-unreachable-" + Guid.NewGuid().ToString("N")[..8] + ".db")}
            """, "test.yaml", Path.GetTempPath(), _ => null);
        await using var app = GatewayApp.Build(options, new GatewayHostSettings(Listen: "http://127.0.0.1:0"));
        await app.StartAsync();
        var key = app.Services.GetService(typeof(Keys.KeyStore)) is Keys.KeyStore store ? store.Create("t", [], null, null).Secret : throw new InvalidOperationException();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("hello"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unavailable", await CodeAsync(response));
    }

    [Fact]
    public async Task A_stream_the_upstream_breaks_off_ends_with_an_error_event_and_DONE()
    {
        var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("a long story please [cut]", stream: true));
        var sse = await Sse.ReadAsync(response);
        Assert.Equal("upstream_incomplete", (string?)sse.Error?["code"]);
        Assert.True(sse.EndsWithDone);
        await AssertAuditedAsync(200, "upstream_incomplete");
    }

    private async Task<(HttpStatusCode, string?)> PostRawAsync(string body, string contentType)
    {
        var response = await gateway.Http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, contentType));
        return (response.StatusCode, await CodeAsync(response));
    }

    internal static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull((string?)body!["error"]!["message"]);
        return (string?)body["error"]!["code"];
    }

    private async Task AssertAuditedAsync(int status, string error)
    {
        var records = await gateway.AuditAsync();
        Assert.Contains(records, r => r.Status == status && r.Error == error && r.KeyId == gateway.Key.Key.Id);
    }
}
