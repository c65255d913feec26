namespace Bulwark.Kernel.Guards;

/// <summary>
/// What a guard knows about the exchange beyond the text: the system prompt the application sent and the canary
/// tokens planted in it, so output guards can tell a leak from an answer.
/// </summary>
public sealed record GuardContext(string? SystemPrompt = null, IReadOnlyList<string>? Canaries = null)
{
    public static readonly GuardContext Empty = new();
}

/// <summary>
/// One check on one text (a prompt, a model answer, a retrieved document). Guards only find: they return hits with
/// spans and scores, and the pipeline's policy decides whether a hit redacts, blocks or is only logged.
/// Implementations are thread-safe and bounded in time and memory on any input; they do not throw on bad text.
/// </summary>
public interface IGuard
{
    /// <summary>The name a policy uses for this guard (<c>prompt-attack</c>, <c>secrets</c>, …).</summary>
    string Name { get; }

    IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken);
}
