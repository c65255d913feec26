using Npgsql;
using StackExchange.Redis;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>The servers the store tests rely on really start, answer, stop and come back with their data.</summary>
public sealed class LocalServersTests
{
    [StoreFact]
    public async Task Postgres_answers_and_keeps_its_data_across_a_crash_and_restart()
    {
        await using var server = await PostgresServer.StartAsync();
        var database = server.CreateDatabase("smoke");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE t (v int); INSERT INTO t VALUES (42);", connection);
            await command.ExecuteNonQueryAsync();
        }
        server.Stop();
        NpgsqlConnection.ClearAllPools();
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var down = new NpgsqlConnection(database);
            await down.OpenAsync();
        });
        await server.StartAgainAsync();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT v FROM t", connection);
            Assert.Equal(42, await command.ExecuteScalarAsync());
        }
    }

    [StoreFact]
    public async Task Redis_answers_and_comes_back_empty_after_a_crash()
    {
        await using var server = await RedisServer.StartAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        var db = redis.GetDatabase();
        await db.StringSetAsync("k", "v");
        Assert.Equal("v", (string?)await db.StringGetAsync("k"));
        server.Stop();
        await Assert.ThrowsAnyAsync<RedisException>(() => db.StringGetAsync("k"));
        await server.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!redis.IsConnected && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.False((await db.StringGetAsync("k")).HasValue);
    }
}
