using System.Threading.Channels;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Bulwark.Gateway.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Audit;

/// <summary>
/// Takes audit records off the request path with group commit: requests enqueue, and one background loop writes
/// everything queued as one transaction, then tells each request of that batch its record is committed. While one
/// batch commits the next gathers, so the commit cost is shared by however many requests arrive meanwhile.
/// <para>
/// A failed batch is kept and retried with backoff (100 ms, doubling to 5 s) until the store takes it: a transient
/// error loses nothing, and the writer recovers by itself when the database is back. Meanwhile <see cref="StoreFailing"/>
/// is true (the gateway refuses requests when <c>stores.on-failure</c> is closed, and <c>/readyz</c> says 503), and
/// waiting requests are told at once that their record is not committed. At most <see cref="MaxQueued"/> records wait
/// in memory; beyond that new records are dropped, counted and logged.
/// </para>
/// On shutdown the queue is drained, so no answered request goes unaudited (while the store is down, until the host's
/// shutdown timeout; then what is left is counted in the log). <see cref="FlushAsync"/> waits until everything enqueued
/// so far is written.
/// </summary>
public sealed partial class AuditWriter(AuditStore store, GatewayDatabase database, GatewayOptions options, GatewayMetrics metrics, ILogger<AuditWriter> logger) : BackgroundService
{
    /// <summary>Records held in memory at most (queued or in a batch being retried).</summary>
    public const int MaxQueued = 100_000;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abandon = new();
    private int _held;
    private long _dropped;
    private volatile bool _storeFailing;

    /// <summary>True from a failed write until a retry succeeds.</summary>
    public bool StoreFailing => _storeFailing;

    /// <summary>Records in memory, not yet committed (the <c>bulwark.audit.queue_depth</c> a relaxed-mode crash could lose).</summary>
    public int QueueDepth => Volatile.Read(ref _held);

    /// <summary>Records dropped because <see cref="MaxQueued"/> were already held.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private bool Durable => options.AuditDurability == AuditDurability.Strict;

    /// <summary>Queues the record and returns at once (relaxed durability, and requests refused while the store is down).</summary>
    public void Enqueue(AuditRecord record) => Add(record, null);

    /// <summary>Queues the record; the task is true once it is committed, false if the store failed or the record was dropped.</summary>
    public Task<bool> WriteAsync(AuditRecord record)
    {
        var committed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Add(record, committed);
        return committed.Task;
    }

    public Task FlushAsync()
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new Entry(null, done)) ? done.Task : Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        // The host's shutdown timeout: past it, a writer still retrying against a dead store gives up.
        await using var giveUp = cancellationToken.Register(_abandon.Cancel);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    private void Add(AuditRecord record, TaskCompletionSource<bool>? committed)
    {
        if (Held(1) > MaxQueued)
        {
            Held(-1);
            metrics.AuditDropped();
            var dropped = Interlocked.Increment(ref _dropped);
            if ((dropped & (dropped - 1)) == 0) LogDropped(logger, dropped, MaxQueued); // 1, 2, 4, 8…: loud but bounded
            committed?.TrySetResult(false);
            return;
        }
        if (!_queue.Writer.TryWrite(new Entry(record, committed)))
        {
            // After shutdown began: nothing will write it.
            Held(-1);
            committed?.TrySetResult(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new Batch();
        // Not stoppingToken: the loop ends when the queue is completed and drained, so shutdown loses nothing.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            Take(batch);
            if (!await CommitAsync(batch).ConfigureAwait(false))
            {
                LogAbandoned(logger, batch.Records.Count);
                batch.Settle(false);
                Held(-batch.Records.Count);
                batch.Clear();
            }
        }
    }

    /// <summary>Counts records joining or leaving memory, in the field and in the queue-depth metric; the new count.</summary>
    private int Held(int delta)
    {
        metrics.AuditQueued(delta);
        return Interlocked.Add(ref _held, delta);
    }

    /// <summary>Everything queued now joins the batch (the group of the next commit).</summary>
    private void Take(Batch batch)
    {
        while (_queue.Reader.TryRead(out var entry))
        {
            if (entry.Record is not null) batch.Records.Add(entry.Record);
            if (entry.Committed is not null) batch.Waiting.Add(entry.Committed);
        }
    }

    /// <summary>Writes the batch, retrying until it commits (true) or shutdown gives up on it (false).</summary>
    private async Task<bool> CommitAsync(Batch batch)
    {
        var wait = FirstRetry;
        while (true)
        {
            try
            {
                store.Write(batch.Records, Durable);
                Held(-batch.Records.Count);
                if (_storeFailing)
                {
                    _storeFailing = false;
                    metrics.StoreChanged("database", down: false);
                    LogRecovered(logger, batch.Records.Count);
                }
                batch.Settle(true);
                batch.Clear();
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (!_storeFailing)
                {
                    LogWriteFailed(logger, batch.Records.Count, e.GetType().Name, e.Message);
                    metrics.StoreChanged("database", down: true);
                }
                _storeFailing = true;
                // Requests waiting on this batch learn now: the store may be down for minutes.
                batch.Settle(false);
                // A dead socket stays in the pool after a server restart: start the next try on fresh connections.
                database.ClearPool();
            }
            try
            {
                await Task.Delay(wait, _abandon.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LastRetry.Ticks));
            // Records queued meanwhile join the retry, and their requests are told at once that the store is down.
            Take(batch);
            batch.Settle(false);
        }
    }

    private sealed record Entry(AuditRecord? Record, TaskCompletionSource<bool>? Committed);

    private sealed class Batch
    {
        public List<AuditRecord> Records { get; } = [];
        public List<TaskCompletionSource<bool>> Waiting { get; } = [];

        public void Settle(bool committed)
        {
            foreach (var waiter in Waiting) waiter.TrySetResult(committed);
            Waiting.Clear();
        }

        public void Clear()
        {
            Records.Clear();
            Waiting.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "audit: could not write {Count} record(s), kept in memory and retried until the store takes them: {Error}: {Detail}")]
    private static partial void LogWriteFailed(ILogger logger, int count, string error, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "audit: the store is back; wrote {Count} held record(s)")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "audit: {Dropped} record(s) dropped so far: {Max} were already held in memory while the store was unavailable")]
    private static partial void LogDropped(ILogger logger, long dropped, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "audit: shutting down with the store unavailable; {Count} record(s) were not written")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
