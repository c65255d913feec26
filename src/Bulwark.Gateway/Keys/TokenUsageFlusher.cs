using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Keys;

/// <summary>
/// Saves <see cref="DailyTokenUsage"/> every second and once more at shutdown, off the request path. A crash loses at
/// most the last second's count (the budget then allows that much extra), never the day.
/// </summary>
public sealed partial class TokenUsageFlusher(DailyTokenUsage usage, ILogger<TokenUsageFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        TryFlush();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Wall-clock time, not the injected TimeProvider: this paces writes, it does not decide any limit.
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) TryFlush();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down: StopAsync writes the last deltas
        }
    }

    private void TryFlush()
    {
        try
        {
            usage.Flush();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            LogFlushFailed(logger, e.GetType().Name, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "token usage: could not save the day's counts (kept in memory, retried in a second): {Error}: {Detail}")]
    private static partial void LogFlushFailed(ILogger logger, string error, string detail);
}
