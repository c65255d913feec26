using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Samples.MockUpstream;
using StackExchange.Redis;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>
/// The pseudonym vault in Redis: a placeholder minted by one instance is restored by the other, a value gets the same
/// placeholder on both, keys do not see each other's placeholders, and Redis holds no plaintext.
/// </summary>
public sealed class RedisVaultTests : IAsyncLifetime
{
    private RedisGateways _gateways = null!;

    public async Task InitializeAsync() => _gateways = await RedisGateways.StartAsync(pseudonymize: true);

    public async Task DisposeAsync() => await _gateways.DisposeAsync();

    [StoreFact]
    public async Task A_placeholder_masked_by_one_instance_is_restored_by_the_other()
    {
        var key = _gateways.Keys.Create("vault", [], null, null);
        using var a = _gateways.Client(0, key.Secret);
        using var b = _gateways.Client(1, key.Secret);
        var first = TestMarker.New();
        Assert.Equal($"You said: Deploy with {MockUpstreamServer.LeakedToken} please {first}", await AnswerAsync(a, $"Deploy with {MockUpstreamServer.LeakedToken} please {first}"));
        var masked = Sent(first);
        Assert.DoesNotContain(MockUpstreamServer.LeakedToken, masked, StringComparison.Ordinal);
        Assert.Contains("<SECRET_1>", masked, StringComparison.Ordinal);

        // Instance B never saw the value: the model's answer mentions the placeholder, and B restores it from Redis.
        var second = TestMarker.New();
        Assert.Equal($"You said: Was <SECRET_1> rotated? {second}".Replace("<SECRET_1>", MockUpstreamServer.LeakedToken, StringComparison.Ordinal),
            await AnswerAsync(b, $"Was <SECRET_1> rotated? {second}"));

        // The same value through B gets A's placeholder.
        var third = TestMarker.New();
        await AnswerAsync(b, $"Again {MockUpstreamServer.LeakedToken} {third}");
        Assert.Contains("<SECRET_1>", Sent(third), StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Another_key_cannot_restore_a_keys_placeholders_and_Redis_holds_no_plaintext()
    {
        var owner = _gateways.Keys.Create("vault", [], null, null);
        var other = _gateways.Keys.Create("vault", [], null, null);
        using var a = _gateways.Client(0, owner.Secret);
        using var b = _gateways.Client(1, other.Secret);
        await AnswerAsync(a, $"Deploy with {MockUpstreamServer.LeakedToken} {TestMarker.New()}");

        var marker = TestMarker.New();
        Assert.Equal($"You said: Show <SECRET_1> {marker}", await AnswerAsync(b, $"Show <SECRET_1> {marker}"));

        using var redis = await ConnectionMultiplexer.ConnectAsync(_gateways.Redis.Configuration);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var db = redis.GetDatabase();
        var vaults = server.Keys(pattern: "test:vault:*").ToList();
        Assert.Contains(vaults, k => k.ToString().EndsWith(owner.Key.Id, StringComparison.Ordinal));
        foreach (var vault in vaults)
        {
            Assert.InRange((await db.KeyTimeToLiveAsync(vault))!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
            foreach (var entry in await db.HashGetAllAsync(vault))
            {
                Assert.DoesNotContain(MockUpstreamServer.LeakedToken, entry.Name.ToString() + System.Text.Encoding.Latin1.GetString((byte[])entry.Value!), StringComparison.Ordinal);
            }
        }
    }

    private string Sent(string marker) => _gateways.Upstream.Received.Last(r => r.ToJsonString().Contains(marker, StringComparison.Ordinal)).ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    internal static async Task<string> AnswerAsync(HttpClient client, string text)
    {
        var response = await RedisRateLimitTests.Chat(client, text);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["choices"]![0]!["message"]!["content"]!;
    }
}
