using Bulwark.Gateway.Keys;
using Bulwark.Gateway.Storage;

namespace Bulwark.Gateway.Tests;

/// <summary>Found keys are cached briefly: changes through the same process apply at once, others within a second.</summary>
public class KeyCacheTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "bulwark-key-cache-" + Guid.NewGuid().ToString("N")[..12] + ".db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void A_key_revoked_or_changed_through_the_gateways_own_store_is_seen_on_the_next_lookup()
    {
        var database = GatewayDatabase.Open(_path);
        var keys = new KeyStore(database, TimeProvider.System);
        var teams = new TeamStore(database, TimeProvider.System);
        var created = keys.Create("platform", [], null, null);
        Assert.Null(keys.Find(created.Secret)!.TeamPolicy);

        teams.Create("platform", ["demo"], 5, null, null, null);
        Assert.Equal(5, keys.Find(created.Secret)!.TeamPolicy!.RequestsPerMinute);

        Assert.True(keys.Revoke(created.Key.Id));
        Assert.Null(keys.Find(created.Secret));
    }

    [Fact]
    public async Task A_key_revoked_by_another_process_stops_working_within_the_cache_time()
    {
        var gateway = new KeyStore(GatewayDatabase.Open(_path), TimeProvider.System);
        var cli = new KeyStore(GatewayDatabase.Open(_path), TimeProvider.System); // a second process's view of the file
        var created = gateway.Create("platform", [], null, null);
        Assert.NotNull(gateway.Find(created.Secret));

        Assert.True(cli.Revoke(created.Key.Id));
        await Task.Delay(KeyStore.CacheFor + TimeSpan.FromMilliseconds(100));
        Assert.Null(gateway.Find(created.Secret));
    }

    [Fact]
    public void Unknown_and_malformed_keys_are_not_found()
    {
        var keys = new KeyStore(GatewayDatabase.Open(_path), TimeProvider.System);
        Assert.Null(keys.Find("bwk-not-a-key"));
        Assert.Null(keys.Find("sk-something-else"));
        Assert.Null(keys.Find("bwk-" + new string('a', 200)));
    }
}
