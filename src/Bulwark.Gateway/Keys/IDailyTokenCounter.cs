namespace Bulwark.Gateway.Keys;

/// <summary>
/// Model tokens used per UTC day by each key and team, as the budget check reads them: <see cref="LocalDailyTokens"/>
/// (this process's counts, saved to the database) or <see cref="Redis.RedisDailyTokens"/> (one live count for every gateway).
/// </summary>
public interface IDailyTokenCounter
{
    /// <summary>How long until the budgets reset: the next 00:00 UTC.</summary>
    TimeSpan UntilReset { get; }

    ValueTask<long> UsedTodayAsync(string subject);

    ValueTask AddAsync(string subject, long tokens);
}

/// <summary>The counts of <see cref="DailyTokenUsage"/> alone: what one gateway without Redis sees.</summary>
public sealed class LocalDailyTokens(DailyTokenUsage usage) : IDailyTokenCounter
{
    public TimeSpan UntilReset => usage.UntilReset;

    public ValueTask<long> UsedTodayAsync(string subject) => ValueTask.FromResult(usage.UsedToday(subject));

    public ValueTask AddAsync(string subject, long tokens)
    {
        usage.Add(subject, tokens);
        return ValueTask.CompletedTask;
    }
}
