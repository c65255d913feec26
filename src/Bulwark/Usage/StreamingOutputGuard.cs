using System.Text;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Usage;

/// <summary>
/// Runs an output pipeline over a model's answer as it streams, holding back only a bounded tail. A span is released
/// once it lies more than <see cref="HoldBack"/> characters before the end of what has arrived and no redaction that
/// could still grow overlaps it, so a secret or canary split across chunks is caught before any of it is released.
/// An enforced Block stops the stream: nothing more is released.
/// </summary>
/// <remarks>Guards see the held-back text plus <see cref="Context"/> characters already released. Matches longer
/// than the hold-back (a PEM block, say) are only caught whole if the hold-back is at least as long; the default suits
/// API keys, tokens and canaries.</remarks>
public sealed class StreamingOutputGuard
{
    public const int DefaultHoldBack = 1024;
    public const int Context = 256; // released text kept for the guards' look-behind

    private readonly GuardPipeline _pipeline;
    private readonly GuardContext _context;
    private readonly StringBuilder _pending = new();
    private readonly List<GuardHit> _redacted = [];
    private string _released = "";

    public StreamingOutputGuard(GuardPipeline pipeline, GuardContext? context = null, int holdBack = DefaultHoldBack)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(holdBack, 1);
        _pipeline = pipeline;
        _context = context ?? GuardContext.Empty;
        HoldBack = holdBack;
    }

    public int HoldBack { get; }

    /// <summary>
    /// How far the pending text must run past the hold-back before the guards run again (an eighth of the hold-back).
    /// Running them on every few-character chunk cost a whole pipeline run per token; releasing in steps costs one run
    /// per step, and text is released at most this many characters later.
    /// </summary>
    public int ReleaseStep => Math.Max(1, HoldBack / 8);

    /// <summary>Everything redacted so far, in order (offsets are those of the window the guard read).</summary>
    public IReadOnlyList<GuardHit> Redacted => _redacted;

    /// <summary>The verdict that stopped the stream, or null while it flows.</summary>
    public Verdict? Blocked { get; private set; }

    /// <summary>Takes the next chunk; returns the text that is now safe to send on (possibly empty).</summary>
    public string Push(string chunk)
    {
        _pending.Append(chunk);
        // Nothing could be released yet: a Block in the held-back text is still caught before any of it leaves.
        if (Blocked is not null || _pending.Length < HoldBack + ReleaseStep) return "";
        return Release(final: false);
    }

    /// <summary>The stream ended: returns the rest, redacted (empty if blocked).</summary>
    public string Complete() => Release(final: true);

    private string Release(bool final)
    {
        if (Blocked is not null) return "";
        var pending = _pending.ToString();
        var text = _released + pending;
        var offset = _released.Length;
        var verdict = _pipeline.Run(text, _context);
        if (verdict.IsBlocked)
        {
            Blocked = verdict;
            _pending.Clear();
            return "";
        }

        var redactions = verdict.Guards.Where(g => g.Enforced && g.Action == GuardAction.Redact).SelectMany(g => g.Hits)
            .Where(h => h.Start + h.Length > offset)
            .Select(h => (Start: h.Start - offset, End: h.Start + h.Length - offset, Hit: h))
            .OrderBy(m => m.Start)
            .ToList();

        var cut = final ? pending.Length : Math.Max(0, pending.Length - HoldBack);
        foreach (var match in redactions)
        {
            // A match that ends inside the held-back tail may still grow: keep all of it back.
            if (!final && match.End > pending.Length - HoldBack) cut = Math.Min(cut, Math.Max(0, match.Start));
        }

        var output = new StringBuilder(cut);
        var position = 0;
        foreach (var match in redactions.Where(m => m.Start < cut))
        {
            var start = Math.Max(position, match.Start);
            if (start > position) output.Append(pending, position, start - position);
            if (match.End > position)
            {
                output.Append("[REDACTED:").Append(match.Hit.RuleId).Append(']');
                _redacted.Add(match.Hit);
                position = Math.Min(Math.Max(position, match.End), cut);
            }
        }
        if (cut > position) output.Append(pending, position, cut - position);

        var released = _released + pending[..cut];
        _released = released.Length > Context ? released[^Context..] : released;
        _pending.Remove(0, cut);
        return output.ToString();
    }
}
