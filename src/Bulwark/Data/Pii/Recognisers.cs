using Bulwark.Data.Pii.Ner;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Data.Pii;

/// <summary>
/// Resolves the <c>detector:</c> names of rule files to recognisers. Rules that share a detector share one
/// instance, so a family of digit patterns finds its digit runs once and the entity tagger tokenises once.
/// <c>ner-TYPE</c> detectors (the optional NER pack, docs/ner.md) need a <see cref="NerModel"/>; the pack is not
/// loaded without one, so the default rules never name them.
/// </summary>
public static class Recognisers
{
    public const string DigitPattern = "digit-pattern";
    public const string AtSignPattern = "at-sign-pattern";
    public const string AddressPattern = "address-pattern";

    /// <summary>Detector names the entity tagger answers, each with the kind of span it emits.</summary>
    private static readonly Dictionary<string, EntityKind> TaggerDetectors = new(StringComparer.Ordinal)
    {
        ["person-name"] = EntityKind.Person,
        ["location"] = EntityKind.Location,
        ["organization"] = EntityKind.Organization,
        ["nrp"] = EntityKind.Nrp,
        ["job-title"] = EntityKind.Title,
    };

    public static IReadOnlyCollection<string> Names => [DigitPattern, AtSignPattern, AddressPattern, .. TaggerDetectors.Keys, NerRecogniser.Prefix + "TYPE"];

    /// <summary>Whether a detector is answered by a NER model (<c>ner-person</c>, <c>ner-location</c>, …).</summary>
    public static bool IsNer(string? detector) =>
        detector is not null && detector.Length > NerRecogniser.Prefix.Length && detector.StartsWith(NerRecogniser.Prefix, StringComparison.Ordinal);

    /// <summary>Builds the recognisers for the detector rules; an unknown detector name is an input error, and so is
    /// a <c>ner-*</c> rule without a model.</summary>
    public static IReadOnlyList<ITextRecogniser> Create(IReadOnlyList<Rule> rules, ScanLimits limits, NerModel? ner = null)
    {
        var result = new List<ITextRecogniser>();
        var digit = rules.Where(r => r.Detector == DigitPattern).ToList();
        var at = rules.Where(r => r.Detector == AtSignPattern).ToList();
        if (digit.Count > 0) result.Add(new AnchoredPatternRecogniser(digit, AnchoredPatternRecogniser.Anchor.Digit, limits.RegexTimeout));
        var address = rules.Where(r => r.Detector == AddressPattern).ToList();
        if (address.Count > 0) result.Add(new AnchoredPatternRecogniser(address, AnchoredPatternRecogniser.Anchor.DigitBesideWord, limits.RegexTimeout));
        if (at.Count > 0) result.Add(new AnchoredPatternRecogniser(at, AnchoredPatternRecogniser.Anchor.AtSign, limits.RegexTimeout));

        var nerRules = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (var rule in rules.Where(r => IsNer(r.Detector)))
        {
            if (ner is null)
                throw new BulwarkInputException($"{rule.Source}: rule {rule.Id}: detector '{rule.Detector}' needs a NER model (--ner-model DIR, docs/ner.md)");
            var type = NerRecogniser.TypeOf(rule.Detector!);
            if (!nerRules.TryAdd(type, rule))
                throw new BulwarkInputException($"{rule.Source}: rule {rule.Id}: NER type {type} is already used by rule {nerRules[type].Id}");
        }
        if (nerRules.Count > 0) result.Add(new NerRecogniser(ner!, nerRules));

        var tagged = new Dictionary<EntityKind, Rule>();
        foreach (var rule in rules.Where(r => r.Detector is not (DigitPattern or AtSignPattern or AddressPattern) && !IsNer(r.Detector)))
        {
            if (!TaggerDetectors.TryGetValue(rule.Detector!, out var kind))
                throw new BulwarkInputException($"{rule.Source}: rule {rule.Id}: unknown detector '{rule.Detector}' (known: {string.Join(", ", Names.Order(StringComparer.Ordinal))})");
            if (!tagged.TryAdd(kind, rule))
                throw new BulwarkInputException($"{rule.Source}: rule {rule.Id}: detector '{rule.Detector}' is already used by rule {tagged[kind].Id}");
        }
        if (tagged.Count > 0) result.Add(new EntityTagger(tagged));
        return result;
    }
}
