using System.Text.Json.Nodes;
using Bulwark.Gateway.Admin;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Gateway.Keys;
using Bulwark.Gateway.Proxy;
using Bulwark.Gateway.Redis;
using Bulwark.Gateway.Storage;
using Bulwark.Gateway.Telemetry;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway;

/// <summary>What a host (the CLI, the tests) may change about the gateway beyond its config file.</summary>
/// <param name="Listen">Overrides the config's listen URL (tests use port 0).</param>
/// <param name="Time">The clock for audit timestamps and rate limits.</param>
/// <param name="Logging">Extra logging setup (tests capture every log line to search it for secrets).</param>
public sealed record GatewayHostSettings(string? Listen = null, TimeProvider? Time = null, Action<ILoggingBuilder>? Logging = null);

/// <summary>
/// Builds and runs the gateway host: the services, the API routes and the middleware order. Started by
/// <c>dotnet run --project src/Bulwark.Gateway -- --config FILE</c> and by <c>bulwark gateway --config FILE</c>.
/// </summary>
public static partial class GatewayApp
{
    /// <summary>Loads the config, starts the gateway and runs until <paramref name="cancellationToken"/> or Ctrl+C.</summary>
    public static async Task RunAsync(string configPath, CancellationToken cancellationToken)
    {
        var options = GatewayConfigLoader.LoadFile(configPath);
        await using var app = Build(options);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new BulwarkInputException($"{configPath}: listen: cannot listen on {options.Listen}: {e.Message}", e);
        }
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    public static WebApplication Build(GatewayOptions options, GatewayHostSettings? settings = null)
    {
        settings ??= new GatewayHostSettings();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Bulwark.Gateway", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(settings.Listen ?? options.Listen);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Limits.MaxBodyBytes + 1; // the body reader answers 413 itself
            // Against slow and oversized clients (slowloris): headers must fit and arrive in time, bodies keep a rate.
            kestrel.Limits.MaxRequestHeadersTotalSize = options.Limits.MaxHeaderBytes;
            kestrel.Limits.RequestHeadersTimeout = options.Limits.HeaderTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(options.Limits.MinBodyBytesPerSecond, options.Limits.HeaderTimeout);
        });
        builder.Logging.UseGatewayFormat(options.LogFormat);
        settings.Logging?.Invoke(builder.Logging);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(settings.Time ?? TimeProvider.System);
        // Loading the rules and building the pipelines is the slow part of start-up: done once, before listening.
        // One catalog for every named policy; the default policy's guards are also there on their own.
        var guardPolicies = new GuardPolicies(options.Guards, RuleCatalog.Load());
        services.AddSingleton(guardPolicies);
        services.AddSingleton(guardPolicies.Default);
        services.AddSingleton(GatewayDatabase.Open(options.Database));
        services.AddSingleton(sp => new KeyStore(sp.GetRequiredService<GatewayDatabase>(), sp.GetRequiredService<TimeProvider>(), options.StoreFailure));
        services.AddSingleton<KeyRateLimiter>();
        services.AddSingleton<TeamStore>();
        services.AddSingleton(sp => new DailyTokenUsage(sp.GetRequiredService<GatewayDatabase>(), sp.GetRequiredService<TimeProvider>(), options.StoreFailure));
        services.AddSharedState(options);
        services.AddHostedService<TokenUsageFlusher>();
        services.AddSingleton<AccessPolicy>();
        services.AddSingleton<StreamSlots>();
        services.AddHostedService<UnknownGuardPolicyCheck>();
        services.AddAdminApi(options);
        services.AddSingleton<AuditStore>();
        services.AddSingleton<AuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<UpstreamHealth>();
        services.AddSingleton<UpstreamForwarder>();
        AddApis(services);
        services.AddSingleton<ModelsEndpoint>();
        services.AddGatewayTelemetry(options.Telemetry);

        var app = builder.Build();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1"), api => api.Use(RequestIds.AssignAsync).UseMiddleware<AuditMiddleware>().UseMiddleware<KeyAuthenticationMiddleware>());

        app.MapGet("/healthz", () => Results.Json(new JsonObject { ["status"] = "ok" }));
        app.MapGet("/readyz", (GatewayDatabase database, AuditWriter audit, IServiceProvider services) => Readiness.Check(database, audit, options, services));
        app.MapGatewayMetrics(options.Telemetry);
        app.MapGet("/v1/models", (HttpContext c, ModelsEndpoint endpoint) => endpoint.Handle(c));
        MapApis(app);
        app.MapAdminApi(options);
        // Deny by default: anything else is a 404 in OpenAI's error shape (Anthropic's on /v1/messages).
        app.MapFallback(c => OpenAIErrors.InvalidRequest(c, 404, "unknown_route", $"Unknown route: {c.Request.Method} {c.Request.Path}. Bulwark serves {ServedRoutes}."));

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.Gateway");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            LogStarted(logger, urls, options.Routes.Count, options.Upstreams.Count, options.Guards.PolicyPath ?? "embedded default", options.Guards.Pseudonymize);
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bulwark gateway listening on {Urls}: {Models} model(s) on {Upstreams} upstream(s), guard policy {Policy}, pseudonymize {Pseudonymize}")]
    private static partial void LogStarted(ILogger logger, string urls, int models, int upstreams, string policy, bool pseudonymize);
}
