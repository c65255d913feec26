using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests;

/// <summary>
/// Daily token budgets on keys and teams: counted from the provider's usage, refused with OpenAI's 429
/// <c>insufficient_quota</c> and a Retry-After until 00:00 UTC, kept across restarts, reset the next day.
/// </summary>
public sealed class BudgetTests : IAsyncLifetime
{
    private AccessGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await AccessGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_key_whose_budget_is_spent_gets_429_insufficient_quota_until_utc_midnight()
    {
        var created = _gateway.Keys.Create("budget", [], null, null, budgetTokensPerDay: 10);
        using var client = _gateway.Client(created.Secret);
        Assert.Equal(HttpStatusCode.OK, (await Chat(client, "a prompt that costs well over ten tokens of the daily budget")).StatusCode);

        _gateway.Clock.Advance(TimeSpan.FromMinutes(30)); // 23:30 UTC
        var refused = await Chat(client, "again");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(("insufficient_quota", "insufficient_quota"), ((string?)error["type"], (string?)error["code"]));
        Assert.Contains(created.Key.Id, (string)error["message"]!, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(30), refused.Headers.RetryAfter!.Delta);
        // Other routes of the key are refused too: the budget is the key's, not the route's.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/models")).StatusCode);
    }

    [Fact]
    public async Task A_spent_budget_survives_a_restart_and_resets_the_next_utc_day()
    {
        var created = _gateway.Keys.Create("budget", [], null, null, budgetTokensPerDay: 10);
        using (var client = _gateway.Client(created.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, (await Chat(client, "a prompt that costs well over ten tokens of the daily budget")).StatusCode);
        }

        await _gateway.RestartAsync();
        using (var client = _gateway.Client(created.Secret))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await Chat(client, "after the restart")).StatusCode);
            _gateway.Clock.Advance(TimeSpan.FromHours(1)); // 00:00 UTC: a new day
            Assert.Equal(HttpStatusCode.OK, (await Chat(client, "the next day")).StatusCode);
        }
    }

    [Fact]
    public async Task A_team_budget_is_shared_by_the_teams_keys()
    {
        Assert.NotNull(_gateway.Teams.Create("shared", [], null, null, budgetTokensPerDay: 10, guardPolicy: null));
        var first = _gateway.Keys.Create("shared", [], null, null);
        var second = _gateway.Keys.Create("shared", [], null, null);
        var outsider = _gateway.Keys.Create("elsewhere", [], null, null);
        using var one = _gateway.Client(first.Secret);
        using var two = _gateway.Client(second.Secret);
        using var three = _gateway.Client(outsider.Secret);

        Assert.Equal(HttpStatusCode.OK, (await Chat(one, "a prompt that costs well over ten tokens of the team budget")).StatusCode);
        var refused = await Chat(two, "my first request");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("team 'shared'", (string)(await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Chat(three, "another team")).StatusCode);
    }

    [Fact]
    public async Task Usage_is_counted_from_the_providers_usage_fields_for_streams_too()
    {
        var created = _gateway.Keys.Create("counted", [], null, null);
        using var client = _gateway.Client(created.Secret);
        await Chat(client, "hello");
        var streamed = await client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("hello again", stream: true));
        await Sse.ReadAsync(streamed);

        var records = (await AuditAsync()).Where(r => r.KeyId == created.Key.Id).ToList();
        var usage = _gateway.App.Services.GetRequiredService<DailyTokenUsage>();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.True(r.TotalTokens > 0));
        Assert.Equal(records.Sum(r => r.TotalTokens), usage.UsedToday(DailyTokenUsage.KeySubject(created.Key.Id)));
        Assert.Equal(records.Sum(r => r.TotalTokens), usage.UsedToday(DailyTokenUsage.TeamSubject("counted")));
    }

    private async Task<IReadOnlyList<AuditRecord>> AuditAsync()
    {
        await _gateway.App.Services.GetRequiredService<AuditWriter>().FlushAsync();
        return _gateway.App.Services.GetRequiredService<AuditStore>().Query(new AuditQuery(Limit: 1000));
    }

    private static Task<HttpResponseMessage> Chat(HttpClient client, string text, string model = "demo") =>
        client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat(text, model: model));
}
