using Bulwark.Kernel.RulePacks;

namespace Bulwark.Data.Pii;

/// <summary>
/// A value a recogniser found: the rule that names it and its offsets (UTF-16, end exclusive), and a score in 0..1
/// where the recogniser has one (a model's probability); null scores by the rule's confidence.
/// </summary>
public readonly record struct RecognisedSpan(Rule Rule, int Start, int End, double? Score = null);

/// <summary>
/// Logic that is not a keyword-anchored pattern (gazetteers, digit-anchored patterns with checksums). Rule files
/// name recognisers with <c>detector:</c>; <see cref="Recognisers"/> resolves the names. Implementations are
/// thread-safe, linear in the text, and add spans to <paramref name="results"/> in any order.
/// </summary>
public interface ITextRecogniser
{
    void Recognise(string text, List<RecognisedSpan> results);
}
