using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace Bulwark.Gateway.Tests;

/// <summary>A gateway with tight abuse limits: small headers, a 2 s header timeout, a 100 B/s body rate, two streams per key.</summary>
public sealed class AbuseLimitGateway : GatewayFixture
{
    protected override string Configure(string yaml) => yaml.Replace("  upstream-timeout: 5s", """
          upstream-timeout: 12s
          max-header-bytes: 8192
          header-timeout: 2s
          min-body-rate: 100
          max-streams-per-key: 2
        """, StringComparison.Ordinal);
}

/// <summary>
/// limits.max-header-bytes, header-timeout (slowloris), min-body-rate (a trickled body) and max-streams-per-key: each
/// abusive client is cut off with a clear answer, and the gateway keeps serving everyone else.
/// </summary>
public sealed class AbuseLimitTests(AbuseLimitGateway gateway) : IClassFixture<AbuseLimitGateway>
{
    [Fact]
    public async Task Headers_over_the_limit_are_431()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(ChatCompletionTests.Chat("hello")) };
        request.Headers.Add("X-Padding", new string('p', 9000));
        var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("hello"))).StatusCode);
    }

    [Fact]
    public async Task A_client_that_trickles_its_headers_is_disconnected_after_the_header_timeout()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, new Uri(gateway.BaseUrl).Port);
        var stream = client.GetStream();
        var clock = Stopwatch.StartNew();
        await stream.WriteAsync("POST /v1/chat/completions HTTP/1.1\r\nHost: bulwark\r\n"u8.ToArray());
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        var closed = false;
        // One header line every 500 ms, forever: a slowloris client never finishes its headers.
        for (var i = 0; i < 40 && !closed; i++)
        {
            try
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"X-Slow-{i}: a\r\n"));
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                var read = await stream.ReadAsync(buffer, wait.Token);
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
                closed = true; // an answer (408) or end of stream: either way the server gave up on us
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
                closed = true;
            }
        }
        Assert.True(closed, "the gateway kept a connection whose headers never finished");
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 8);
        Assert.True(answer.Length == 0 || answer.ToString().StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer.ToString());
    }

    [Fact]
    public async Task A_trickled_body_is_408_request_timeout_and_audited()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, new Uri(gateway.BaseUrl).Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: bulwark\r\nAuthorization: Bearer {gateway.Key.Secret}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n"));
        var clock = Stopwatch.StartNew();
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        // 10 bytes a second, far under the 100 B/s floor once the 2 s grace has passed.
        while (clock.Elapsed < TimeSpan.FromSeconds(15) && answer.Length == 0)
        {
            try
            {
                await stream.WriteAsync("          "u8.ToArray());
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                var read = await stream.ReadAsync(buffer, wait.Token);
                if (read == 0) break;
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
                break;
            }
        }
        Assert.StartsWith("HTTP/1.1 408", answer.ToString(), StringComparison.Ordinal);
        Assert.Contains("request_timeout", answer.ToString(), StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.5, 10);
        // The record is queued when the request's pipeline unwinds, which may come just after the client reads the 408.
        var audited = false;
        for (var wait = Stopwatch.StartNew(); !audited && wait.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
            audited = (await gateway.AuditAsync()).Any(r => r.Status == 408 && r.Error == "request_timeout" && r.KeyId == gateway.Key.Key.Id);
        Assert.True(audited, "no audit record of the 408 within 10 s");
    }

    [Fact]
    public async Task A_key_holds_at_most_its_streams_and_gets_a_slot_back_when_one_ends()
    {
        var key = gateway.Keys.Create("streams-team", [], null, null);
        using var http = gateway.Client(key.Secret);
        // Two streams whose upstream takes 3 s to start answering hold both of the key's slots.
        var held = Enumerable.Range(0, 2).Select(_ => http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("count to three", stream: true, system: "[model-ms:3000]"))).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var slots = gateway.Gateway.Services.GetService(typeof(Keys.StreamSlots)) as Keys.StreamSlots;
        while (slots!.OpenFor(key.Key.Id) < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);

        var refused = await http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("one more", stream: true));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("too_many_streams", await RobustnessTests.CodeAsync(refused));
        Assert.NotNull(refused.Headers.RetryAfter);
        // Not streamed, the same key is not held to the stream limit; another key is not affected at all.
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("other key", stream: true))).StatusCode);

        foreach (var response in await Task.WhenAll(held))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("[DONE]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(0, slots.OpenFor(key.Key.Id));
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("again", stream: true))).StatusCode);
    }
}
