using System.Text;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Usage;

/// <summary>
/// Scans a model's answer as it streams and redacts what must not leave (secrets, canary tokens, PII: whatever
/// rules it is given), holding back only a bounded tail. A span is released once it lies more than
/// <see cref="HoldBack"/> characters before the end of what has arrived and no match that could still grow
/// overlaps it, so a secret split across chunks is caught before any of it is released.
/// </summary>
/// <remarks>Matches longer than the hold-back (a PEM block, say) can only be caught whole if the hold-back is
/// at least as long; the default suits API keys and tokens.</remarks>
public sealed class StreamingOutputGuard
{
    public const int DefaultHoldBack = 1024;
    private const int Context = 256; // released text kept for the rules' look-behind

    private readonly TextDocumentScanner _scanner;
    private readonly StringBuilder _pending = new();
    private string _context = "";
    private readonly List<string> _redacted = [];

    public StreamingOutputGuard(IReadOnlyList<Rule> rules, int holdBack = DefaultHoldBack)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(holdBack, 1);
        HoldBack = holdBack;
        _scanner = new TextDocumentScanner(new PatternEngine(rules), ScanLimits.Default, TimeProvider.System);
    }

    public int HoldBack { get; }

    /// <summary>Rule ids of everything redacted so far, in order.</summary>
    public IReadOnlyList<string> Redacted => _redacted;

    /// <summary>Takes the next chunk; returns the text that is now safe to send on (possibly empty).</summary>
    public string Push(string chunk)
    {
        _pending.Append(chunk);
        return Release(final: false);
    }

    /// <summary>The stream ended: returns the rest, redacted.</summary>
    public string Complete() => Release(final: true);

    private string Release(bool final)
    {
        var pending = _pending.ToString();
        var text = _context + pending;
        var offset = _context.Length;
        var matches = _scanner.ScanString(text)
            .Where(m => m.Start + m.SecretOffset + m.SecretLength > offset)
            .Select(m => (Start: (int)m.Start + m.SecretOffset - offset, End: (int)m.Start + m.SecretOffset + m.SecretLength - offset, m.Rule.Id))
            .OrderBy(m => m.Start)
            .ToList();

        var cut = final ? pending.Length : Math.Max(0, pending.Length - HoldBack);
        foreach (var match in matches)
        {
            // A match that ends inside the held-back tail may still grow: keep all of it back.
            if (!final && match.End > pending.Length - HoldBack) cut = Math.Min(cut, Math.Max(0, match.Start));
        }

        var output = new StringBuilder(cut);
        var position = 0;
        foreach (var match in matches.Where(m => m.Start < cut))
        {
            var start = Math.Max(position, match.Start);
            if (start > position) output.Append(pending, position, start - position);
            if (match.End > position)
            {
                output.Append("[REDACTED:").Append(match.Id).Append(']');
                _redacted.Add(match.Id);
                position = Math.Min(Math.Max(position, match.End), cut);
            }
        }
        if (cut > position) output.Append(pending, position, cut - position);

        var released = pending[..cut];
        _context = (_context + released).Length > Context ? (_context + released)[^Context..] : _context + released;
        _pending.Remove(0, cut);
        return output.ToString();
    }
}
