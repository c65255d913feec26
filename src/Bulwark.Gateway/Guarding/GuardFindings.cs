using Bulwark.Kernel.Guards;

namespace Bulwark.Gateway.Guarding;

/// <summary>
/// What the guards said over one request, gathered across its texts (each message, the answer): the strongest
/// enforced action and every rule that hit, log-only hits included, for the audit record.
/// </summary>
public sealed class GuardFindings
{
    private readonly SortedSet<string> _rules = new(StringComparer.Ordinal);

    public GuardAction Action { get; private set; } = GuardAction.Allow;

    public IReadOnlyCollection<string> Rules => _rules;

    /// <summary>Whether any pipeline ran on the request (metrics count verdicts of guarded requests only).</summary>
    public bool Checked { get; private set; }

    public void Add(Verdict verdict)
    {
        Checked = true;
        foreach (var hit in verdict.Hits) _rules.Add(hit.RuleId);
        foreach (var outcome in verdict.Guards.Where(g => g.Error is not null)) _rules.Add($"{outcome.Guard}:error");
        Raise(verdict.Action);
    }

    /// <summary>Hits a streaming guard acted on, one batch at a time.</summary>
    public void Add(IEnumerable<GuardHit> hits, GuardAction action)
    {
        var any = false;
        foreach (var hit in hits)
        {
            _rules.Add(hit.RuleId);
            any = true;
        }
        if (any) Raise(action);
    }

    public void Raise(GuardAction action)
    {
        if (action > Action) Action = action;
    }

    /// <summary>The hit that decided a Block: the first enforced blocking step's first hit (or its error).</summary>
    public static (string RuleId, string Message) BlockReason(Verdict verdict)
    {
        var outcome = verdict.Guards.First(g => g.Enforced && g.Action == GuardAction.Block);
        if (outcome.Hits.Count > 0 && outcome.Hits[0] is var hit) return (hit.RuleId, hit.Message);
        return ($"BW-GATEWAY-GUARD-FAILED", $"the {outcome.Guard} guard failed and its policy fails closed ({outcome.Error})");
    }
}
