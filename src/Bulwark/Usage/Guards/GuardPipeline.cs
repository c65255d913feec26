using System.Diagnostics;
using System.Text;
using Bulwark.Kernel.Guards;

namespace Bulwark.Usage.Guards;

/// <summary>What a step does when its guard times out or faults: let the text through, or stop it.</summary>
public enum FailureMode
{
    Closed,
    Open,
}

/// <summary>One guard in a pipeline with the policy that governs it.</summary>
/// <param name="Action">What a hit does: Redact (spans replaced) or Block. A hit on the whole text cannot be redacted and blocks.</param>
/// <param name="Timeout">On a text longer than <see cref="GuardPipeline.InlineChars"/>, run the guard on the thread pool and give
/// up after this long; null runs it inline, unbounded.</param>
/// <param name="LogOnly">Report the hits, enforce nothing: for trying a guard on live traffic first.</param>
public sealed record GuardStep(IGuard Guard, GuardAction Action = GuardAction.Block, TimeSpan? Timeout = null, FailureMode OnFailure = FailureMode.Closed, bool LogOnly = false);

/// <summary>
/// Guards in order over one text, giving one <see cref="Verdict"/>. Every guard reads the original text; redactions
/// are merged and applied once at the end. The first enforced Block ends the run (the guards after it are not needed
/// to decide). A guard that throws or overruns its timeout never escapes: its step fails open or closed.
/// </summary>
public sealed class GuardPipeline(IReadOnlyList<GuardStep> steps, bool logOnly = false)
{
    public static readonly GuardPipeline Empty = new([]);

    /// <summary>
    /// Texts up to this long are checked inline, whatever the step's timeout: every guard is linear-time, so such a
    /// text takes microseconds to a few milliseconds, less than the hop to another thread. Under load those hops
    /// (a pool thread blocked waiting on another) starved the thread pool, and microsecond checks overran their budget.
    /// </summary>
    public const int InlineChars = 64 * 1024;

    public IReadOnlyList<GuardStep> Steps => steps;

    public bool LogOnly => logOnly;

    public Verdict Run(string text, GuardContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        context ??= GuardContext.Empty;
        var outcomes = new List<GuardOutcome>(steps.Count);
        var action = GuardAction.Allow;
        var redactions = new List<GuardHit>();
        foreach (var step in steps)
        {
            cancellationToken.ThrowIfCancellationRequested(); // the caller gave up: not a guard failure
            var outcome = RunStep(step, text, context, cancellationToken);
            outcomes.Add(outcome);
            if (!outcome.Enforced) continue;
            if (outcome.Action == GuardAction.Redact) redactions.AddRange(outcome.Hits);
            if (outcome.Action > action) action = outcome.Action;
            if (action == GuardAction.Block) break;
        }
        var passed = action switch
        {
            GuardAction.Block => null,
            GuardAction.Redact => Redact(text, redactions),
            _ => text,
        };
        return new Verdict(action, passed, outcomes);
    }

    private GuardOutcome RunStep(GuardStep step, string text, GuardContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<GuardHit> hits = [];
        string? error = null;
        try
        {
            hits = step.Timeout is { } timeout && text.Length > InlineChars
                ? InspectWithTimeout(step.Guard, text, context, timeout, cancellationToken)
                : step.Guard.Inspect(text, context, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // the caller gave up on the whole request: not a guard failure
        }
        catch (Exception e)
        {
            error = e is TimeoutException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        }

        GuardAction action;
        if (error is not null) action = step.OnFailure == FailureMode.Closed ? GuardAction.Block : GuardAction.Allow;
        else if (hits.Count == 0) action = GuardAction.Allow;
        else action = step.Action == GuardAction.Redact && hits.Any(h => h.WholeText) ? GuardAction.Block : step.Action;
        return new GuardOutcome(step.Guard.Name, action, !(logOnly || step.LogOnly), hits, error, Stopwatch.GetElapsedTime(started));
    }

    private static IReadOnlyList<GuardHit> InspectWithTimeout(IGuard guard, string text, GuardContext context, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var task = Task.Run(() => guard.Inspect(text, context, deadline.Token), deadline.Token);
        try
        {
            // A guard that saw the deadline's token may return early with partial hits: that is a timeout too.
            if (task.Wait(timeout, cancellationToken) && !deadline.IsCancellationRequested) return task.Result;
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            if (e.InnerException is OperationCanceledException && !cancellationToken.IsCancellationRequested) throw new TimeoutException($"timed out after {timeout.TotalMilliseconds:0.#} ms");
            throw e.InnerException!;
        }
        throw new TimeoutException($"timed out after {timeout.TotalMilliseconds:0.#} ms");
    }

    /// <summary>Replaces every hit's span with <c>[REDACTED:RULE-ID]</c>; overlapping spans merge under the first rule.</summary>
    public static string Redact(string text, IEnumerable<GuardHit> hits)
    {
        var output = new StringBuilder(text.Length);
        var position = 0;
        foreach (var hit in hits.Where(h => h.Length > 0).OrderBy(h => h.Start).ThenByDescending(h => h.Length))
        {
            var start = Math.Clamp(hit.Start, 0, text.Length);
            var end = Math.Min(text.Length, start + hit.Length);
            if (end <= position) continue;
            if (start >= position)
            {
                output.Append(text, position, start - position).Append("[REDACTED:").Append(hit.RuleId).Append(']');
            }
            position = end;
        }
        return output.Append(text, position, text.Length - position).ToString();
    }
}
