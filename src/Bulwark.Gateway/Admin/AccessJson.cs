using System.Text.Json.Nodes;
using Bulwark.Gateway.Keys;

namespace Bulwark.Gateway.Admin;

/// <summary>Keys, teams and their usage as JSON, for the admin API and <c>bulwark keys|teams --json</c> alike. Never a key's secret.</summary>
public static class AccessJson
{
    public static JsonObject Key(VirtualKey key) => new()
    {
        ["id"] = key.Id,
        ["team"] = key.Team,
        ["models"] = Models(key.Models),
        ["rpm"] = key.RequestsPerMinute,
        ["tpm"] = key.TokensPerMinute,
        ["budget_tokens_per_day"] = key.BudgetTokensPerDay,
        ["guard_policy"] = key.GuardPolicy,
        ["created"] = key.Created,
        ["revoked"] = key.Revoked,
    };

    public static JsonObject Team(TeamPolicy team) => new()
    {
        ["name"] = team.Name,
        ["models"] = Models(team.Models),
        ["rpm"] = team.RequestsPerMinute,
        ["tpm"] = team.TokensPerMinute,
        ["budget_tokens_per_day"] = team.BudgetTokensPerDay,
        ["guard_policy"] = team.GuardPolicy,
        ["created"] = team.Created,
    };

    /// <summary>Today's tokens against a daily budget (null: none).</summary>
    public static JsonObject Usage(long tokensToday, long? budget) => new()
    {
        ["tokens_today"] = tokensToday,
        ["budget_tokens_per_day"] = budget,
        ["budget_left"] = budget is { } b ? Math.Max(0, b - tokensToday) : null,
    };

    public static JsonObject List(IEnumerable<JsonObject> items) => new() { ["object"] = "list", ["data"] = new JsonArray([.. items]) };

    private static JsonArray Models(IReadOnlyList<string> models) => new([.. models.Select(m => JsonValue.Create(m))]);
}
