using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Data.Pii;

/// <summary>
/// Resolves the <c>detector:</c> names of rule files to recognisers. Rules that share a detector share one
/// instance, so a family of digit patterns finds its digit runs once and the entity tagger tokenises once.
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

    public static IReadOnlyCollection<string> Names => [DigitPattern, AtSignPattern, AddressPattern, .. TaggerDetectors.Keys];

    /// <summary>Builds the recognisers for the detector rules; an unknown detector name is an input error.</summary>
    public static IReadOnlyList<ITextRecogniser> Create(IReadOnlyList<Rule> rules, ScanLimits limits)
    {
        var result = new List<ITextRecogniser>();
        var digit = rules.Where(r => r.Detector == DigitPattern).ToList();
        var at = rules.Where(r => r.Detector == AtSignPattern).ToList();
        if (digit.Count > 0) result.Add(new AnchoredPatternRecogniser(digit, AnchoredPatternRecogniser.Anchor.Digit, limits.RegexTimeout));
        var address = rules.Where(r => r.Detector == AddressPattern).ToList();
        if (address.Count > 0) result.Add(new AnchoredPatternRecogniser(address, AnchoredPatternRecogniser.Anchor.DigitBesideWord, limits.RegexTimeout));
        if (at.Count > 0) result.Add(new AnchoredPatternRecogniser(at, AnchoredPatternRecogniser.Anchor.AtSign, limits.RegexTimeout));

        var tagged = new Dictionary<EntityKind, Rule>();
        foreach (var rule in rules.Where(r => r.Detector is not (DigitPattern or AtSignPattern or AddressPattern)))
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
