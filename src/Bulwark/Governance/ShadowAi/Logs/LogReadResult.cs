namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// What reading one log came to. <see cref="Records"/> + <see cref="Skipped"/> + <see cref="Malformed"/> =
/// <see cref="Lines"/>; <see cref="Bytes"/> counts the input after decompression.
/// </summary>
public sealed record LogReadResult(
    string Format,
    long Lines,
    long Records,
    long Skipped,
    long Malformed,
    long Bytes,
    IReadOnlyList<MalformedLine> MalformedSamples);

/// <summary>One of the first malformed lines, to show the user: its 1-based number and why.</summary>
public readonly record struct MalformedLine(long LineNumber, string Reason);
