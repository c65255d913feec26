namespace Bulwark.Kernel.Guards;

/// <summary>What a guard pipeline does with a text, in increasing order of force.</summary>
public enum GuardAction
{
    Allow,
    Redact,
    Block,
}

/// <summary>
/// One reason for a verdict: which guard, which rule, how sure, and where. <see cref="Start"/> and
/// <see cref="Length"/> are UTF-16 offsets in the text the guard read; a hit about the text as a whole (a classifier
/// score, say) spans all of it and cannot be redacted, only blocked.
/// </summary>
public sealed record GuardHit(string Guard, string RuleId, float Score, int Start, int Length, string Message, bool WholeText = false);

/// <summary>How one guard of a pipeline ran: its hits, the action its policy gave them, and whether it was enforced.</summary>
/// <param name="Enforced">False in log-only mode: the hits are reported, the text passes.</param>
/// <param name="Error">Why the guard did not finish (timeout, fault); its policy's fail-open or fail-closed then decided.</param>
public sealed record GuardOutcome(string Guard, GuardAction Action, bool Enforced, IReadOnlyList<GuardHit> Hits, string? Error, TimeSpan Elapsed);

/// <summary>
/// The pipeline's answer for one text: the strongest enforced action, the text to pass on (redacted when the action is
/// Redact; the original when Allow; null when Block), and every guard's outcome so the verdict explains itself.
/// Guards return verdicts; they do not throw.
/// </summary>
public sealed record Verdict(GuardAction Action, string? Text, IReadOnlyList<GuardOutcome> Guards)
{
    public IEnumerable<GuardHit> Hits => Guards.SelectMany(g => g.Hits);

    public bool IsBlocked => Action == GuardAction.Block;
}
