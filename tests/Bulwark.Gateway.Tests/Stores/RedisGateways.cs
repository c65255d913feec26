using System.Net.Http.Headers;
using System.Security.Cryptography;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Keys;
using Bulwark.Samples.MockUpstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>
/// Gateway instances in one test process that share a real Redis and one database (as instances behind a load
/// balancer share them), in front of one mock upstream. Each instance's log lines are captured.
/// </summary>
public sealed class RedisGateways : IAsyncDisposable
{
    private const string RedisVariable = "BULWARK_TEST_REDIS";
    private const string VaultVariable = "BULWARK_TEST_VAULT_KEY";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bulwark-redis-test-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _vaultKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<WebApplication> _apps = [];

    public RedisServer Redis { get; private set; } = null!;
    public MockUpstreamServer Upstream { get; private set; } = null!;
    public List<CapturedLogs> Logs { get; } = [];
    public KeyStore Keys => _apps[0].Services.GetRequiredService<KeyStore>();
    public TeamStore Teams => _apps[0].Services.GetRequiredService<TeamStore>();

    public WebApplication this[int instance] => _apps[instance];

    public static async Task<RedisGateways> StartAsync(int instances = 2, string onFailure = "closed", bool pseudonymize = false)
    {
        var gateways = new RedisGateways();
        Directory.CreateDirectory(gateways._directory);
        gateways.Redis = await RedisServer.StartAsync();
        gateways.Upstream = await MockUpstreamServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(gateways._directory, "policy.yaml"), GatewayFixture.SamplePolicy());
        for (var i = 0; i < instances; i++)
        {
            var logs = new CapturedLogs();
            var app = GatewayApp.Build(gateways.Options(onFailure, pseudonymize), new GatewayHostSettings(Logging: logging =>
            {
                logging.SetMinimumLevel(LogLevel.Debug);
                logging.AddProvider(logs);
            }));
            await app.StartAsync();
            gateways._apps.Add(app);
            gateways.Logs.Add(logs);
        }
        return gateways;
    }

    private GatewayOptions Options(string onFailure, bool pseudonymize) => GatewayConfigLoader.Parse($"""
        listen: http://127.0.0.1:0
        database: gateway.db
        upstreams:
          - name: mock
            kind: openai-compatible
            base-url: {Upstream.BaseUrl}
        models:
          - name: demo
            upstream: mock
            upstream-model: {MockUpstreamServer.ModelName}
        guards:
          policy: policy.yaml
          pseudonymize: {(pseudonymize ? "true" : "false")}
        stores:
          on-failure: {onFailure}
        redis:
          connection: env:{RedisVariable}
          key-prefix: "test:"
          vault-key: env:{VaultVariable}
          timeout: 1s
        """, "gateway.yaml", _directory, v => v switch
    {
        RedisVariable => Redis.Configuration,
        VaultVariable => _vaultKey,
        _ => null,
    });

    public HttpClient Client(int instance, string secret) => GatewayFixture.ClientFor(_apps[instance].Urls.First(), secret);

    /// <summary>Polls until <paramref name="done"/> holds (the answer after a charge, Redis reconnecting), failing after <paramref name="within"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var result = await attempt();
            if (done(result) || DateTime.UtcNow > deadline) return result;
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        await Upstream.DisposeAsync();
        await Redis.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
