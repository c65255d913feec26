using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Audit;

/// <summary>
/// Takes audit records off the request path: requests enqueue, one background loop writes them in batches. On
/// shutdown the queue is drained, so no answered request goes unaudited. <see cref="FlushAsync"/> waits until
/// everything enqueued so far is written (tests and readiness use it).
/// </summary>
public sealed partial class AuditWriter(AuditStore store, ILogger<AuditWriter> logger) : BackgroundService
{
    private const int BatchSize = 256;

    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(AuditRecord record) => _queue.Writer.TryWrite(new Entry(record, null));

    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new Entry(null, done)) ? done.Task : Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditRecord>(BatchSize);
        var waiting = new List<TaskCompletionSource>();
        // Not stoppingToken: the loop ends when the queue is completed and drained, so shutdown loses nothing.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var entry))
            {
                if (entry.Record is not null) batch.Add(entry.Record);
                if (entry.Flushed is not null) waiting.Add(entry.Flushed);
            }
            try
            {
                store.Write(batch);
            }
            catch (Exception e)
            {
                LogWriteFailed(logger, batch.Count, e.GetType().Name, e.Message);
            }
            batch.Clear();
            foreach (var flushed in waiting) flushed.TrySetResult();
            waiting.Clear();
        }
    }

    private sealed record Entry(AuditRecord? Record, TaskCompletionSource? Flushed);

    [LoggerMessage(Level = LogLevel.Error, Message = "audit: could not write {Count} record(s): {Error}: {Detail}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string error, string detail);
}
