using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Samples.MockUpstream;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>
/// Redis killed mid-run: failing closed refuses what needs it with 503 <c>store_unavailable</c> (never unlimited, never
/// unmasked upstream); failing open serves on local limits and a per-request vault; both go back to Redis by themselves.
/// </summary>
public sealed class RedisOutageTests
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(30);

    [StoreFact]
    public async Task Failing_closed_refuses_with_503_while_Redis_is_down_and_recovers_by_itself()
    {
        await using var gateways = await RedisGateways.StartAsync(instances: 1, onFailure: "closed", pseudonymize: true);
        var limited = gateways.Keys.Create("down", [], 100, null);
        var masked = gateways.Keys.Create("down", [], null, null);
        using var limitedClient = gateways.Client(0, limited.Secret);
        using var maskedClient = gateways.Client(0, masked.Secret);
        Assert.Equal(HttpStatusCode.OK, (await limitedClient.GetAsync("/v1/models")).StatusCode);

        gateways.Redis.Stop();
        var refused = await limitedClient.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("store_unavailable", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]);
        // The vault cannot mask: the prompt is refused, and nothing of it reaches the model.
        var marker = TestMarker.New();
        var unmasked = await RedisRateLimitTests.Chat(maskedClient, $"Deploy with {MockUpstreamServer.LeakedToken} {marker}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unmasked.StatusCode);
        Assert.Equal("store_unavailable", (string?)(await unmasked.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]);
        Assert.DoesNotContain(gateways.Upstream.Received, r => r.ToJsonString().Contains(marker, StringComparison.Ordinal));
        var ready = await limitedClient.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("redis", (string?)(await ready.Content.ReadFromJsonAsync<JsonObject>())!["down"]![0]);
        Assert.Equal(1, await RedisDownAsync(limitedClient));

        await gateways.Redis.StartAgainAsync();
        var back = await RedisGateways.EventuallyAsync(() => limitedClient.GetAsync("/v1/models"), r => r.StatusCode == HttpStatusCode.OK, Reconnect);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal($"You said: Deploy with {MockUpstreamServer.LeakedToken} again", await RedisVaultTests.AnswerAsync(maskedClient, $"Deploy with {MockUpstreamServer.LeakedToken} again"));
        Assert.Single(gateways.Logs[0].Lines, l => l.Contains("Redis is unavailable", StringComparison.Ordinal));
        Assert.Contains(gateways.Logs[0].Lines, l => l.Contains("Redis is back", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await limitedClient.GetAsync("/readyz")).StatusCode);
        Assert.Equal(0, await RedisDownAsync(limitedClient));
    }

    private static async Task<double> RedisDownAsync(HttpClient client) =>
        PrometheusScrape.Parse(await client.GetStringAsync("/metrics")).Sum("bulwark_store_down", ("bulwark_store", "redis"));

    [StoreFact]
    public async Task Failing_open_serves_on_local_limits_while_Redis_is_down_then_shares_again()
    {
        await using var gateways = await RedisGateways.StartAsync(instances: 2, onFailure: "open", pseudonymize: true);
        var key = gateways.Keys.Create("open", [], 2, null);
        using var a = gateways.Client(0, key.Secret);
        using var b = gateways.Client(1, key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/v1/models")).StatusCode);

        gateways.Redis.Stop();
        // Each instance holds the key to its own in-process limit: still limited, never unlimited.
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.GetAsync("/v1/models")).StatusCode);
        // The per-request vault still masks, and restores its own placeholders.
        var marker = TestMarker.New();
        Assert.Equal($"You said: Deploy with {MockUpstreamServer.LeakedToken} {marker}", await RedisVaultTests.AnswerAsync(b, $"Deploy with {MockUpstreamServer.LeakedToken} {marker}"));
        Assert.DoesNotContain(MockUpstreamServer.LeakedToken, gateways.Upstream.Received.Last().ToJsonString(), StringComparison.Ordinal);
        Assert.Single(gateways.Logs[0].Lines, l => l.Contains("Redis is unavailable", StringComparison.Ordinal));
        Assert.Contains("\"degraded\"", await (await a.GetAsync("/readyz")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Back on Redis (empty after the crash): the two instances share one window of two again.
        await gateways.Redis.StartAgainAsync();
        var shared = await RedisGateways.EventuallyAsync(() => ProbeAsync(gateways), r => r, Reconnect);
        Assert.True(shared, "the instances did not go back to one shared window");
    }

    // A fresh key (2 rpm) through both instances: shared limits admit exactly two of four.
    private static async Task<bool> ProbeAsync(RedisGateways gateways)
    {
        var probe = gateways.Keys.Create("probe", [], 2, null);
        using var a = gateways.Client(0, probe.Secret);
        using var b = gateways.Client(1, probe.Secret);
        var answers = new[] { await a.GetAsync("/v1/models"), await b.GetAsync("/v1/models"), await a.GetAsync("/v1/models"), await b.GetAsync("/v1/models") };
        return answers.Count(r => r.StatusCode == HttpStatusCode.OK) == 2;
    }
}
