using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Tests.Stores;
using Bulwark.Samples.MockUpstream;

namespace Bulwark.Gateway.Tests.Scale;

/// <summary>
/// What several gateway processes share in these tests: one PostgreSQL server, one Redis server and one mock upstream
/// (in this process, so tests can read what reached the "model"). Each test takes a database of its own.
/// </summary>
public sealed class ScaleStores : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bulwark-scale-" + Guid.NewGuid().ToString("N")[..12]);
    private int _databases;

    public PostgresServer Postgres { get; private set; } = null!;
    public RedisServer Redis { get; private set; } = null!;
    public MockUpstreamServer Upstream { get; private set; } = null!;

    /// <summary>The pseudonym vault key every instance shares (the gateways read it from the environment).</summary>
    public string VaultKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Upstream = await MockUpstreamServer.StartAsync();
        if (LocalServers.Missing is not null) return; // the tests are skipped
        Postgres = await PostgresServer.StartAsync();
        Redis = await RedisServer.StartAsync();
    }

    /// <summary>A fresh PostgreSQL database's connection string.</summary>
    public string NewDatabase() => Postgres.CreateDatabase($"scale{Interlocked.Increment(ref _databases)}");

    /// <summary>
    /// Writes a gateway config for one instance on a free port and returns its path and port. Instances given the
    /// same <paramref name="database"/> and Redis share keys, limits, budgets, the vault and the audit trail.
    /// </summary>
    public (string Config, int Port) WriteConfig(string name, string database, bool redis = true, string durability = "strict", bool pseudonymize = false)
    {
        var port = LocalServers.FreePort();
        var directory = Path.Combine(_directory, name);
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "gateway.yaml");
        var redisSection = redis ? $"""
            redis:
              connection: "{Redis.Configuration}"
              vault-key: env:BULWARK_VAULT_KEY
            """ : "";
        File.WriteAllText(config, $"""
            listen: http://127.0.0.1:{port}
            database: "{database}"
            upstreams:
              - name: mock
                kind: openai-compatible
                base-url: {Upstream.BaseUrl}
            models:
              - name: demo
                upstream: mock
                upstream-model: {MockUpstreamServer.ModelName}
            guards:
              pseudonymize: {(pseudonymize ? "true" : "false")}
            audit:
              durability: {durability}
            {redisSection}
            """);
        return (config, port);
    }

    public Task<GatewayProcess> StartAsync(string config, int port) =>
        GatewayProcess.StartAsync(config, port, new Dictionary<string, string> { ["BULWARK_VAULT_KEY"] = VaultKey });

    /// <summary>Creates a key with <c>bulwark keys create</c> against the config's database; returns its id and secret.</summary>
    public static (string Id, string Secret) CreateKey(string config, params string[] options)
    {
        var created = ExternalTool.Bulwark(["keys", "create", "--config", config, "--team", "scale", "--json", .. options]);
        Assert.True(created.ExitCode == 0, created.Stderr);
        var json = JsonNode.Parse(created.Stdout)!;
        return ((string)json["id"]!, (string)json["key"]!);
    }

    public async Task DisposeAsync()
    {
        await Upstream.DisposeAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
        if (Redis is not null) await Redis.DisposeAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
