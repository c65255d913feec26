using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests;

/// <summary>
/// The admin API: keys and teams over JSON behind its own credential, 401 without it, absent (404) when no
/// credential is configured; neither the admin credential nor a created key ever shows in logs, audit or database.
/// </summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private AccessGateway _gateway = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _gateway = await AccessGateway.StartAsync();
        _admin = _gateway.Admin();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Keys_are_created_shown_once_listed_changed_measured_and_revoked()
    {
        var created = await _admin.PostAsJsonAsync("/admin/keys", new JsonObject { ["team"] = "search", ["models"] = new JsonArray("demo"), ["rpm"] = 50, ["budget_tokens_per_day"] = 1000, ["guard_policy"] = "relaxed" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl!.NoStore);
        var key = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var (id, secret) = ((string)key["id"]!, (string)key["key"]!);
        Assert.StartsWith("bwk-", secret, StringComparison.Ordinal);
        Assert.Equal(("search", 50, 1000L, "relaxed"), ((string?)key["team"], (int?)key["rpm"], (long?)key["budget_tokens_per_day"], (string?)key["guard_policy"]));

        using var client = _gateway.Client(secret);
        var models = await client.GetFromJsonAsync<JsonObject>("/v1/models");
        Assert.Equal(["demo"], models!["data"]!.AsArray().Select(m => (string)m!["id"]!));

        var listed = await _admin.GetStringAsync("/admin/keys");
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.Equal(id, (string?)(await _admin.GetFromJsonAsync<JsonObject>($"/admin/keys/{id}"))!["id"]);

        var patched = await _admin.PatchAsJsonAsync($"/admin/keys/{id}", new JsonObject { ["models"] = null, ["rpm"] = null, ["guard_policy"] = "strict" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var changed = (await patched.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((0, null, 1000L, "strict"), (changed["models"]!.AsArray().Count, (int?)changed["rpm"], (long?)changed["budget_tokens_per_day"], (string?)changed["guard_policy"]));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("hello", model: "other"))).StatusCode);

        var usage = (await _admin.GetFromJsonAsync<JsonObject>($"/admin/keys/{id}/usage"))!;
        var used = (long)usage["tokens_today"]!;
        Assert.True(used > 0);
        Assert.Equal((1000 - used, "2030-01-01", 3600L), ((long?)usage["budget_left"], (string?)usage["day"], (long?)usage["resets_in_seconds"]));
        Assert.Equal(used, (long?)usage["team"]!["tokens_today"]);

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync($"/admin/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/models")).StatusCode);
        Assert.NotNull((await _admin.GetFromJsonAsync<JsonObject>($"/admin/keys/{id}"))!["revoked"]);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync($"/admin/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.PatchAsJsonAsync($"/admin/keys/{id}", new JsonObject { ["rpm"] = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/admin/keys/key_nosuchkey")).StatusCode);
    }

    [Fact]
    public async Task Teams_are_created_listed_changed_measured_and_deleted()
    {
        var created = await _admin.PostAsJsonAsync("/admin/teams", new JsonObject { ["name"] = "platform", ["tpm"] = 10_000, ["budget_tokens_per_day"] = 5 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _admin.PostAsJsonAsync("/admin/teams", new JsonObject { ["name"] = "platform" })).StatusCode);
        Assert.Contains("platform", await _admin.GetStringAsync("/admin/teams"), StringComparison.Ordinal);

        var key = await _admin.PostAsJsonAsync("/admin/keys", new JsonObject { ["team"] = "platform" });
        using var client = _gateway.Client((string)(await key.Content.ReadFromJsonAsync<JsonObject>())!["key"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("spend the team's five tokens"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/models")).StatusCode);
        var usage = (await _admin.GetFromJsonAsync<JsonObject>("/admin/teams/platform/usage"))!;
        Assert.Equal((5L, 0L), ((long?)usage["budget_tokens_per_day"], (long?)usage["budget_left"]));

        var patched = await _admin.PatchAsJsonAsync("/admin/teams/platform", new JsonObject { ["budget_tokens_per_day"] = null, ["guard_policy"] = "relaxed" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("relaxed", (string?)(await patched.Content.ReadFromJsonAsync<JsonObject>())!["guard_policy"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models")).StatusCode); // no budget any more
        Assert.Equal(HttpStatusCode.BadRequest, (await _admin.PatchAsJsonAsync("/admin/teams/platform", new JsonObject { ["name"] = "renamed" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _admin.DeleteAsync("/admin/teams/platform")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/admin/teams/platform")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync("/admin/teams/platform")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models")).StatusCode); // its keys keep working
    }

    [Theory]
    [InlineData("/admin/keys", "{not json", "invalid_json", "")]
    [InlineData("/admin/keys", """{"models": ["demo"]}""", "invalid_field", "'team': required")]
    [InlineData("/admin/keys", """{"team": "t", "colour": "red"}""", "invalid_field", "'colour': unknown field")]
    [InlineData("/admin/keys", """{"team": "t", "rpm": 0}""", "invalid_field", "'rpm': must be a whole number from 1")]
    [InlineData("/admin/keys", """{"team": "t", "tpm": "many"}""", "invalid_field", "'tpm': must be a whole number")]
    [InlineData("/admin/keys", """{"team": "t", "budget_tokens_per_day": 1.5}""", "invalid_field", "'budget_tokens_per_day': must be a whole number")]
    [InlineData("/admin/keys", """{"team": "t", "guard_policy": "lenient"}""", "invalid_field", "'guard_policy': must be one of this gateway's guard policies (default, relaxed, strict)")]
    [InlineData("/admin/keys", """{"team": "t", "models": ["gpt-9"]}""", "invalid_field", "'models': 'gpt-9' is not a model this gateway routes (demo, open, other)")]
    [InlineData("/admin/keys", """{"team": ""}""", "invalid_field", "'team': must not be empty")]
    [InlineData("/admin/teams", """{"rpm": 5}""", "invalid_field", "'name': required")]
    [InlineData("/admin/teams", """{"name": "a/b"}""", "invalid_field", "'name': must not contain")]
    public async Task Bad_input_is_a_400_naming_the_field(string route, string body, string code, string message)
    {
        var response = await _admin.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(code, (string?)error["code"]);
        Assert.Contains(message, (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_api_needs_its_credential_and_the_two_credentials_do_not_cross()
    {
        var key = _gateway.Keys.Create("ops", [], null, null);
        using var anonymous = _gateway.Client(null);
        using var wrong = _gateway.Client(AccessGateway.AdminCredential + "x");
        using var virtualKey = _gateway.Client(key.Secret);
        foreach (var client in new[] { anonymous, wrong, virtualKey })
        {
            var refused = await client.GetAsync("/admin/keys");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("invalid_admin_credential", await RobustnessTests.CodeAsync(refused));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await _admin.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await virtualKey.GetAsync("/v1/models")).StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_credential_the_admin_api_is_not_served()
    {
        await using var gateway = await AccessGateway.StartAsync(admin: false);
        using var client = gateway.Admin();
        var response = await client.GetAsync("/admin/keys");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("unknown_route", await RobustnessTests.CodeAsync(response));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/admin/keys", new JsonObject { ["team"] = "t" })).StatusCode);
    }

    [Fact]
    public async Task Admin_calls_are_audited_and_neither_credential_nor_created_key_is_logged_audited_or_stored()
    {
        var created = await _admin.PostAsJsonAsync("/admin/keys", new JsonObject { ["team"] = "secret-keeping" });
        var secret = (string)(await created.Content.ReadFromJsonAsync<JsonObject>())!["key"]!;
        using var client = _gateway.Client(secret);
        await client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("hello"));
        await _gateway.Client("not-the-admin-credential-0123456789").GetAsync("/admin/teams");
        await _admin.GetAsync("/admin/keys");

        await _gateway.App.Services.GetRequiredService<AuditWriter>().FlushAsync();
        var audit = _gateway.App.Services.GetRequiredService<AuditStore>().Query(new AuditQuery(Limit: 1000));
        Assert.Contains(audit, r => r.Route == "POST /admin/keys" && r.Status == 201 && r.KeyId is null);
        Assert.Contains(audit, r => r.Route == "GET /admin/teams" && r.Status == 401 && r.Error == "invalid_admin_credential");

        var auditText = string.Join('\n', audit.Select(r => r.ToString()));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var database = string.Concat(new[] { "", "-wal" }.Select(s => _gateway.DatabasePath + s).Where(File.Exists).Select(p => Encoding.Latin1.GetString(ReadShared(p))));
        var logs = string.Join('\n', _gateway.Logs.Lines);
        Assert.Contains("/admin/keys", logs, StringComparison.Ordinal);
        foreach (var hidden in new[] { secret, AccessGateway.AdminCredential })
        {
            foreach (var (where, text) in new[] { ("logs", logs), ("audit", auditText), ("database", database) })
                Assert.False(text.Contains(hidden, StringComparison.Ordinal), $"a secret ({hidden[..6]}…) appears in the {where}");
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
