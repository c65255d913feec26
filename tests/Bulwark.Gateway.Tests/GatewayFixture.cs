using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Bulwark.Gateway;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Keys;
using Bulwark.Samples.MockUpstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests;

/// <summary>
/// A real gateway on a loopback port in front of a real mock upstream on another, configured like
/// samples/gateway (its policy file), with every log line captured so tests can search it for secrets.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    /// <summary>The gateway's own credential for the upstream: it must reach the upstream and nothing else.</summary>
    public const string UpstreamKey = "sk-upstream-test-Zq8Rw2Lx9Pv4Nk7Tb1Qm";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bulwark-gateway-test-" + Guid.NewGuid().ToString("N")[..12]);

    public MockUpstreamServer Upstream { get; private set; } = null!;
    public WebApplication Gateway { get; private set; } = null!;
    public CapturedLogs Logs { get; } = new();
    public string BaseUrl { get; private set; } = "";
    public CreatedKey Key { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public string DatabasePath => Path.Combine(_directory, "gateway.db");

    /// <summary>The config's <c>database:</c> value: a SQLite file in the fixture's folder here; a PostgreSQL connection string in the store tests.</summary>
    protected virtual string Database => "gateway.db";

    /// <summary>guards.pseudonymize: on here; a fixture without it shows the policy's plain redaction.</summary>
    protected virtual bool Pseudonymize => true;

    /// <summary>A variant's changes to the config text (more upstreams or models), written before the gateway starts.</summary>
    protected virtual string Configure(string yaml) => yaml;

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Upstream = await MockUpstreamServer.StartAsync();
        var policy = Path.Combine(_directory, "policy.yaml");
        await File.WriteAllTextAsync(policy, SamplePolicy());
        var config = Path.Combine(_directory, "gateway.yaml");
        await File.WriteAllTextAsync(config, Configure($"""
            listen: http://127.0.0.1:0
            database: '{Database}'
            upstreams:
              - name: mock
                kind: openai-compatible
                base-url: {Upstream.BaseUrl}
                api-key: {UpstreamKey}
            models:
              - name: demo
                upstream: mock
                upstream-model: {MockUpstreamServer.ModelName}
              - name: other
                upstream: mock
                upstream-model: {MockUpstreamServer.ModelName}
            guards:
              policy: policy.yaml
              pseudonymize: {(Pseudonymize ? "true" : "false")}
            limits:
              max-body-bytes: 65536
              upstream-timeout: 5s
            audit:
              prompt-excerpt: redacted
            """));
        Gateway = GatewayApp.Build(GatewayConfigLoader.LoadFile(config), new GatewayHostSettings(Logging: logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            // The gateway quiets the framework's per-request lines; the secret checks read them all the same.
            logging.AddFilter("Microsoft.AspNetCore", LogLevel.Debug);
            logging.AddFilter("Yarp", LogLevel.Debug);
            logging.AddProvider(Logs);
        }));
        await Gateway.StartAsync();
        BaseUrl = Gateway.Urls.First();
        Key = Keys.Create("test-team", [], null, null);
        Http = Client(Key.Secret);
    }

    public KeyStore Keys => Gateway.Services.GetRequiredService<KeyStore>();

    public HttpClient Client(string? key) => ClientFor(BaseUrl, key);

    /// <summary>A client of the gateway at <paramref name="baseUrl"/>, sending <paramref name="key"/> as its Bearer token when given.</summary>
    public static HttpClient ClientFor(string baseUrl, string? key)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>
    /// samples/gateway/policy.yaml with a generous guard timeout: tests run on loaded CI machines, and a 250 ms
    /// budget that a busy core overruns would fail requests closed at random.
    /// </summary>
    public static string SamplePolicy() =>
        File.ReadAllText(Path.Combine(RepositoryRoot, "samples", "gateway", "policy.yaml")).Replace("timeout: 250ms", "timeout: 10s", StringComparison.Ordinal);

    /// <summary>Every audit record so far, newest first (after the background writer has caught up).</summary>
    public async Task<IReadOnlyList<AuditRecord>> AuditAsync()
    {
        await Gateway.Services.GetRequiredService<AuditWriter>().FlushAsync();
        return Gateway.Services.GetRequiredService<AuditStore>().Query(new AuditQuery(Limit: 100_000));
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Bulwark.slnx"))) return d.FullName;
        }
        throw new InvalidOperationException("repository root not found");
    }
}

/// <summary>Every log line the gateway writes, formatted, with exceptions: searched for keys and secrets.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
