using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Keys;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Admin;

/// <summary>
/// <c>/admin/keys</c>: create (the answer shows the key once), list, read, change, revoke, and today's usage.
/// </summary>
public sealed class AdminKeysEndpoint(KeyStore keys, DailyTokenUsage usage, GatewayOptions options, GuardPolicies policies)
{
    private static readonly string[] CreateFields = [AccessChanges.TeamField, .. AccessChanges.SharedFields];

    public async Task CreateAsync(HttpContext context)
    {
        if (await AdminHttp.ReadAsync(context).ConfigureAwait(false) is not { } body) return;
        var errors = new List<string>();
        var changes = AccessChanges.Read(body, CreateFields, options, policies, errors);
        if (!changes.Team.IsSet && !body.ContainsKey(AccessChanges.TeamField)) errors.Add($"'{AccessChanges.TeamField}': required");
        if (errors.Count > 0)
        {
            await AdminHttp.InvalidAsync(context, errors).ConfigureAwait(false);
            return;
        }
        var created = keys.Create(changes.Team.Value, changes.Models.Or([]), changes.RequestsPerMinute.Value, changes.TokensPerMinute.Value,
            changes.BudgetTokensPerDay.Value, changes.GuardPolicy.Value);
        var json = AccessJson.Key(created.Key);
        json["key"] = created.Secret;
        await AdminHttp.WriteAsync(context, 201, json).ConfigureAwait(false);
    }

    public Task ListAsync(HttpContext context)
    {
        var all = string.Equals(context.Request.Query["all"], "true", StringComparison.OrdinalIgnoreCase);
        return AdminHttp.WriteAsync(context, 200, AccessJson.List(keys.List(all).Select(AccessJson.Key)));
    }

    public Task GetAsync(HttpContext context, string id) =>
        keys.Get(id) is { } key ? AdminHttp.WriteAsync(context, 200, AccessJson.Key(key)) : NotFoundAsync(context, id);

    public async Task UpdateAsync(HttpContext context, string id)
    {
        if (await AdminHttp.ReadAsync(context).ConfigureAwait(false) is not { } body) return;
        var errors = new List<string>();
        var changes = AccessChanges.Read(body, CreateFields, options, policies, errors);
        if (errors.Count > 0)
        {
            await AdminHttp.InvalidAsync(context, errors).ConfigureAwait(false);
            return;
        }
        if (keys.Get(id) is not { Revoked: null } key || !keys.Update(changes.ApplyTo(key)))
        {
            await NotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }
        await AdminHttp.WriteAsync(context, 200, AccessJson.Key(keys.Get(id)!)).ConfigureAwait(false);
    }

    public Task RevokeAsync(HttpContext context, string id) =>
        keys.Revoke(id) ? AdminHttp.WriteAsync(context, 200, AccessJson.Key(keys.Get(id)!)) : NotFoundAsync(context, id);

    public Task UsageAsync(HttpContext context, string id)
    {
        if (keys.Get(id) is not { } key) return NotFoundAsync(context, id);
        var json = AccessJson.Usage(usage.UsedToday(DailyTokenUsage.KeySubject(key.Id)), key.BudgetTokensPerDay);
        json["id"] = key.Id;
        json["day"] = usage.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        json["resets_in_seconds"] = (long)Math.Ceiling(usage.UntilReset.TotalSeconds);
        var team = AccessJson.Usage(usage.UsedToday(DailyTokenUsage.TeamSubject(key.Team)), key.TeamPolicy?.BudgetTokensPerDay);
        team["name"] = key.Team;
        json["team"] = team;
        return AdminHttp.WriteAsync(context, 200, json);
    }

    private static Task NotFoundAsync(HttpContext context, string id) =>
        AdminHttp.NotFoundAsync(context, "key_not_found", $"No active key '{AdminHttp.Shown(id)}' (GET /admin/keys lists them).");
}
