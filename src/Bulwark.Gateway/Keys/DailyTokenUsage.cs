using System.Collections.Concurrent;
using System.Globalization;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;

namespace Bulwark.Gateway.Keys;

/// <summary>
/// Model tokens used per UTC day by each key and team: what daily budgets are checked against. Counting happens in
/// memory (an interlocked add on the request path); <see cref="Flush"/> adds the unsaved deltas to the database in one
/// transaction (<see cref="TokenUsageFlusher"/>: every second and at shutdown). A subject's count for a day is read
/// from the database the first time it is needed, so a restart carries on with the day's usage instead of resetting it.
/// Deltas, not totals, are written, so a second gateway on the same file adds to the count rather than overwriting it.
/// Disposing flushes too, for hosts that are disposed without being stopped. While the database is down, a count that
/// was never read fails closed (<see cref="StoreUnavailableException"/>), or with <paramref name="onFailure"/> open starts
/// from zero in this process (the budget allows more that day; the deltas are still added to the stored count later).
/// </summary>
public sealed class DailyTokenUsage(GatewayDatabase database, TimeProvider time, StoreFailureMode onFailure = StoreFailureMode.Closed) : IDisposable
{
    private readonly ConcurrentDictionary<(string Subject, DateOnly Day), Counter> _counters = new();
    private readonly Lock _flushing = new();

    public static string KeySubject(string keyId) => "key:" + keyId;

    public static string TeamSubject(string team) => "team:" + team;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>How long until the budgets reset: the next 00:00 UTC.</summary>
    public TimeSpan UntilReset
    {
        get
        {
            var now = time.GetUtcNow().UtcDateTime;
            return now.Date.AddDays(1) - now;
        }
    }

    public long UsedToday(string subject) => Volatile.Read(ref CounterFor(subject, Today).Used);

    /// <summary>Today's count as saved in the database, plus what this process has not saved yet: where a lost shared counter starts again.</summary>
    public long SavedToday(string subject) => Load(subject, Today) + Volatile.Read(ref CounterFor(subject, Today).Unsaved);

    public void Add(string subject, long tokens)
    {
        if (tokens <= 0) return;
        var counter = CounterFor(subject, Today);
        Interlocked.Add(ref counter.Used, tokens);
        Interlocked.Add(ref counter.Unsaved, tokens);
    }

    /// <summary>Writes every unsaved delta; on failure they stay unsaved and are tried again next time.</summary>
    public void Flush()
    {
        lock (_flushing)
        {
            var pending = new List<(string Subject, DateOnly Day, Counter Counter, long Delta)>();
            foreach (var ((subject, day), counter) in _counters)
            {
                var delta = Interlocked.Exchange(ref counter.Unsaved, 0);
                if (delta != 0) pending.Add((subject, day, counter, delta));
            }
            if (pending.Count > 0)
            {
                try
                {
                    Save(pending);
                }
                catch
                {
                    foreach (var p in pending) Interlocked.Add(ref p.Counter.Unsaved, p.Delta);
                    throw;
                }
            }
            // Earlier days are never charged again; yesterday stays for requests that straddled midnight.
            var yesterday = Today.AddDays(-1);
            foreach (var entry in _counters)
            {
                if (entry.Key.Day < yesterday && Volatile.Read(ref entry.Value.Unsaved) == 0) _counters.TryRemove(entry);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Flush();
        }
        catch (System.Data.Common.DbException)
        {
            // Nothing left to report to at disposal; the flusher has logged earlier failures.
        }
    }

    private void Save(List<(string Subject, DateOnly Day, Counter Counter, long Delta)> pending)
    {
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // token_usage.tokens, qualified: PostgreSQL finds a bare 'tokens' ambiguous beside excluded.tokens.
        command.CommandText = "INSERT INTO token_usage (subject, day, tokens) VALUES (@subject, @day, @delta) "
            + "ON CONFLICT (subject, day) DO UPDATE SET tokens = token_usage.tokens + excluded.tokens";
        var subject = command.AddParameter("@subject", "");
        var day = command.AddParameter("@day", "");
        var delta = command.AddParameter("@delta", 0L);
        foreach (var p in pending)
        {
            subject.Value = p.Subject;
            day.Value = DayText(p.Day);
            delta.Value = p.Delta;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private Counter CounterFor(string subject, DateOnly day) =>
        _counters.TryGetValue((subject, day), out var counter) ? counter : _counters.GetOrAdd((subject, day), key => new Counter(Load(key.Subject, key.Day)));

    private long Load(string subject, DateOnly day)
    {
        try
        {
            return Read(subject, day);
        }
        catch (System.Data.Common.DbException e)
        {
            if (onFailure == StoreFailureMode.Open) return 0;
            throw new StoreUnavailableException("the token usage store", e);
        }
    }

    private long Read(string subject, DateOnly day)
    {
        using var connection = database.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tokens FROM token_usage WHERE subject = @subject AND day = @day";
        command.AddParameter("@subject", subject);
        command.AddParameter("@day", DayText(day));
        return command.ExecuteScalar() is { } saved and not DBNull ? Convert.ToInt64(saved, CultureInfo.InvariantCulture) : 0;
    }

    private static string DayText(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed class Counter(long used)
    {
        public long Used = used;
        public long Unsaved;
    }
}
