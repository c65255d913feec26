using System.Net.Http.Headers;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Keys;
using Bulwark.Samples.MockUpstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests;

/// <summary>
/// A gateway for access-control tests: its own database, a clock the test steps, an admin credential, and two guard
/// policies besides the default (the sample policy): <c>relaxed</c> (no prompt-attack guard) and <c>strict</c>
/// (the sample policy plus the organisation's own rules: a <c>regex</c> step that redacts employee numbers and a
/// <c>deny-list</c> step that blocks competitor names). Models: <c>demo</c> and <c>other</c> (default policy), <c>open</c> (model policy
/// <c>relaxed</c>). It can be restarted on the same database and clock. Every log line is captured.
/// </summary>
public sealed class AccessGateway : IAsyncDisposable
{
    public const string AdminCredential = "adm-test-credential-7Hq2Lw9Xv4PzR5";
    public const string AdminVariable = "BULWARK_TEST_ADMIN_KEY";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "bulwark-access-test-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly bool _admin;

    private AccessGateway(bool admin, DateTimeOffset now)
    {
        _admin = admin;
        Clock = new ManualClock(now);
    }

    public ManualClock Clock { get; }
    public CapturedLogs Logs { get; } = new();
    public MockUpstreamServer Upstream { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public string DatabasePath => Path.Combine(_directory, "gateway.db");
    public KeyStore Keys => App.Services.GetRequiredService<KeyStore>();
    public TeamStore Teams => App.Services.GetRequiredService<TeamStore>();

    /// <summary>Starts a gateway whose clock reads <paramref name="now"/> (default: 2030-01-01 23:00 UTC, an hour before midnight).</summary>
    public static async Task<AccessGateway> StartAsync(bool admin = true, DateTimeOffset? now = null)
    {
        var gateway = new AccessGateway(admin, now ?? new DateTimeOffset(2030, 1, 1, 23, 0, 0, TimeSpan.Zero));
        Directory.CreateDirectory(gateway._directory);
        gateway.Upstream = await MockUpstreamServer.StartAsync();
        var sample = GatewayFixture.SamplePolicy();
        await File.WriteAllTextAsync(Path.Combine(gateway._directory, "policy.yaml"), sample);
        await File.WriteAllTextAsync(Path.Combine(gateway._directory, "strict.yaml"), sample.Replace("input:", """
            input:
              - guard: regex
                action: redact
                patterns:
                  - id: ACME-EMPLOYEE-ID
                    regex: '\bEMP-\d{6}\b'
              - guard: deny-list
                action: block
                id: ACME-COMPETITORS
                words: [Globex, Initech Corp]
            """.TrimEnd(), StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(gateway._directory, "relaxed.yaml"), """
            mode: enforce
            defaults:
              timeout: 10s
            input:
              - guard: secrets
                action: redact
            output:
              - guard: secrets
                action: redact
            """);
        await gateway.StartAppAsync();
        return gateway;
    }

    public GatewayOptions Options() => GatewayConfigLoader.Parse($"""
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
          - name: other
            upstream: mock
            upstream-model: {MockUpstreamServer.ModelName}
          - name: open
            upstream: mock
            upstream-model: {MockUpstreamServer.ModelName}
            guard-policy: relaxed
        guards:
          policy: policy.yaml
          policies:
            relaxed: relaxed.yaml
            strict: strict.yaml
        {(_admin ? $"admin:\n  credential: env:{AdminVariable}" : "")}
        """, "gateway.yaml", _directory, v => v == AdminVariable ? AdminCredential : null);

    /// <summary>Stops the gateway (which saves the day's token counts) and starts a new one on the same database and clock.</summary>
    public async Task RestartAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await StartAppAsync();
    }

    public HttpClient Client(string? key) => GatewayFixture.ClientFor(BaseUrl, key);

    public HttpClient Admin() => Client(AdminCredential);

    private async Task StartAppAsync()
    {
        App = GatewayApp.Build(Options(), new GatewayHostSettings(Time: Clock, Logging: logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(Logs);
        }));
        await App.StartAsync();
        BaseUrl = App.Urls.First();
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Upstream.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A clock that stands still until the test moves it; timestamps follow it, so rate-limit buckets refill with it.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
