using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>
/// Rate limits and daily budgets shared through Redis by two gateway instances: exact within the 60 s window, key and
/// team checked together, tokens per minute and per day seen by both at once, and budgets kept across a Redis restart.
/// </summary>
public sealed class RedisRateLimitTests : IAsyncLifetime
{
    private RedisGateways _gateways = null!;

    public async Task InitializeAsync() => _gateways = await RedisGateways.StartAsync();

    public async Task DisposeAsync() => await _gateways.DisposeAsync();

    [StoreFact]
    public async Task Two_instances_admit_exactly_the_limit_between_them_under_concurrent_load()
    {
        const int limit = 25;
        var key = _gateways.Keys.Create("load", [], limit, null);
        using var a = _gateways.Client(0, key.Secret);
        using var b = _gateways.Client(1, key.Secret);

        var answers = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => (i % 2 == 0 ? a : b).GetAsync("/v1/models")));

        Assert.Equal(limit, answers.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(120 - limit, answers.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [StoreFact]
    public async Task A_refusal_says_when_the_oldest_request_leaves_the_window()
    {
        var key = _gateways.Keys.Create("window", [], 2, null);
        using var a = _gateways.Client(0, key.Secret);
        using var b = _gateways.Client(1, key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/v1/models")).StatusCode);

        var refused = await a.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("rate_limit_exceeded", (string?)error["code"]);
        Assert.Contains(key.Key.Id, (string)error["message"]!, StringComparison.Ordinal);
        // A sliding window does not refill: the first request leaves it 60 s after it came (a second or two ago).
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 55, 60);
    }

    [StoreFact]
    public async Task Key_and_team_limits_are_checked_together_and_a_refused_request_takes_nothing()
    {
        Assert.NotNull(_gateways.Teams.Create("crew", [], 3, null, null, null));
        var strict = _gateways.Keys.Create("crew", [], 1, null);
        var loose = _gateways.Keys.Create("crew", [], null, null);
        using var strictA = _gateways.Client(0, strict.Secret);
        using var looseB = _gateways.Client(1, loose.Secret);

        Assert.Equal(HttpStatusCode.OK, (await strictA.GetAsync("/v1/models")).StatusCode);
        var keyRefusal = await strictA.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.TooManyRequests, keyRefusal.StatusCode);
        Assert.Contains($"key {strict.Key.Id}", await Message(keyRefusal), StringComparison.Ordinal);

        // The key's refusal took nothing from the team: two of its three requests are left.
        Assert.Equal(HttpStatusCode.OK, (await looseB.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await looseB.GetAsync("/v1/models")).StatusCode);
        var teamRefusal = await looseB.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.TooManyRequests, teamRefusal.StatusCode);
        Assert.Contains("team 'crew'", await Message(teamRefusal), StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Tokens_charged_through_one_instance_count_against_the_other()
    {
        var key = _gateways.Keys.Create("tokens", [], null, 10);
        using var a = _gateways.Client(0, key.Secret);
        using var b = _gateways.Client(1, key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await Chat(a, "a prompt that costs well over ten tokens of the minute's allowance")).StatusCode);

        // The charge lands as the answer ends; the other instance sees it straight after.
        var refused = await RedisGateways.EventuallyAsync(() => Chat(b, "again"), r => r.StatusCode == HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate_limit_exceeded", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]);
    }

    [StoreFact]
    public async Task A_daily_budget_spent_on_one_instance_is_spent_on_the_other_and_survives_a_Redis_restart()
    {
        var key = _gateways.Keys.Create("budget", [], null, null, budgetTokensPerDay: 10);
        using var a = _gateways.Client(0, key.Secret);
        using var b = _gateways.Client(1, key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await Chat(a, "a prompt that costs well over ten tokens of the daily budget")).StatusCode);
        var refused = await RedisGateways.EventuallyAsync(() => Chat(b, "on the other instance"), r => r.StatusCode == HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(5));
        Assert.Equal("insufficient_quota", (string?)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]);

        // The database has the day's count (the flusher saves it every second); Redis then loses everything.
        _gateways[0].Services.GetRequiredService<Keys.DailyTokenUsage>().Flush();
        _gateways.Redis.Stop();
        await _gateways.Redis.StartAgainAsync();

        // While reconnecting the gateway fails closed (503); once back, the counter is seeded from the database.
        var after = await RedisGateways.EventuallyAsync(() => Chat(b, "after the restart"), r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.TooManyRequests, after.StatusCode);
        Assert.Equal("insufficient_quota", (string?)(await after.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]);
    }

    private static async Task<string> Message(HttpResponseMessage response) => (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!;

    internal static Task<HttpResponseMessage> Chat(HttpClient client, string text) =>
        client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat(text));
}
