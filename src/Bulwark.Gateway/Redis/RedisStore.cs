using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Telemetry;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Bulwark.Gateway.Redis;

/// <summary>A store the request needs is down and <c>stores.on-failure</c> is closed: the request is refused with 503 <c>store_unavailable</c>.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    public const string Code = "store_unavailable";
}

/// <summary>
/// The shared Redis and what to do while it is down. Every call goes through <see cref="RunAsync{T}"/> (or
/// <see cref="Run{T}"/>): a Redis error marks an outage (one warning, not one per request) and then either refuses
/// (fail closed) or answers from the caller's local fallback (fail open); the first success after it logs the
/// recovery. StackExchange.Redis reconnects in the background (abortConnect off), and while disconnected commands
/// fail at once instead of queueing, so an outage costs requests no connect timeouts.
/// </summary>
public sealed partial class RedisStore : IDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly ILogger<RedisStore> _logger;
    private readonly GatewayMetrics _metrics;
    private int _down;

    public RedisStore(GatewayOptions options, GatewayMetrics metrics, ILogger<RedisStore> logger)
    {
        _metrics = metrics;
        Options = options.Redis ?? throw new InvalidOperationException("redis: not configured");
        FailureMode = options.StoreFailure;
        _logger = logger;
        var config = ConfigurationOptions.Parse(Options.Connection);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        var timeout = (int)Options.Timeout.TotalMilliseconds;
        config.ConnectTimeout = config.SyncTimeout = config.AsyncTimeout = timeout;
        config.ClientName ??= "bulwark-gateway";
        _connection = ConnectionMultiplexer.Connect(config);
    }

    public RedisOptions Options { get; }

    /// <summary>True from a failed command until one succeeds again (readiness and the <c>bulwark.store.down</c> gauge).</summary>
    public bool IsDown => Volatile.Read(ref _down) == 1;

    public StoreFailureMode FailureMode { get; }

    public IDatabase Database => _connection.GetDatabase();

    /// <summary>A Redis key under the configured prefix.</summary>
    public RedisKey Key(string name) => Options.KeyPrefix + name;

    /// <summary>Runs <paramref name="shared"/>; while Redis is down, refuses (closed, or no <paramref name="fallback"/>) or answers from the fallback (open).</summary>
    public async ValueTask<T> RunAsync<T>(Func<IDatabase, Task<T>> shared, Func<ValueTask<T>>? fallback)
    {
        try
        {
            var result = await shared(Database).ConfigureAwait(false);
            Succeeded();
            return result;
        }
        catch (Exception e) when (IsOutage(e))
        {
            Failed(e);
            if (FailureMode == StoreFailureMode.Closed || fallback is null) throw Unavailable(e);
            return await fallback().ConfigureAwait(false);
        }
    }

    /// <summary>The synchronous <see cref="RunAsync{T}"/>, for the anonymiser's vault.</summary>
    public T Run<T>(Func<IDatabase, T> shared, Func<T>? fallback)
    {
        try
        {
            var result = shared(Database);
            Succeeded();
            return result;
        }
        catch (Exception e) when (IsOutage(e))
        {
            Failed(e);
            if (FailureMode == StoreFailureMode.Closed || fallback is null) throw Unavailable(e);
            return fallback();
        }
    }

    /// <summary>For what cannot be refused any more (charging an answer already given): false when Redis is down.</summary>
    public async ValueTask<bool> TryAsync(Func<IDatabase, Task> shared)
    {
        try
        {
            await shared(Database).ConfigureAwait(false);
            Succeeded();
            return true;
        }
        catch (Exception e) when (IsOutage(e))
        {
            Failed(e);
            return false;
        }
    }

    public void Dispose() => _connection.Dispose();

    private static bool IsOutage(Exception e) => e is RedisException or RedisTimeoutException;

    private static StoreUnavailableException Unavailable(Exception e) =>
        new("The gateway's shared store (Redis) is unavailable and this gateway fails closed (stores.on-failure: closed); retry shortly.", e);

    private void Failed(Exception e)
    {
        if (Interlocked.Exchange(ref _down, 1) != 0) return;
        _metrics.StoreChanged("redis", down: true);
        LogDown(_logger, FailureMode == StoreFailureMode.Closed ? "refusing requests that need it" : "serving on local limits and vaults", e.GetType().Name, e.Message);
    }

    private void Succeeded()
    {
        if (Volatile.Read(ref _down) == 0 || Interlocked.Exchange(ref _down, 0) == 0) return;
        _metrics.StoreChanged("redis", down: false);
        LogBack(_logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable, {Behaviour} until it is back: {Error}: {Reason}")]
    private static partial void LogDown(ILogger logger, string behaviour, string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is back: limits, token counts and the vault are shared again")]
    private static partial void LogBack(ILogger logger);
}
