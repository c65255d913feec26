namespace Bulwark.Text;

/// <summary>What scanning one document produced, and what got in the way.</summary>
public sealed record TextScanOutcome(
    IReadOnlyList<TextMatch> Matches,
    long Characters,
    bool IsBinary,
    int InvalidSequences,
    bool TimedOut,
    bool TruncatedFindings);
