using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Text;

/// <summary>
/// A rule match located in a document: offsets in UTF-16 code units from the start, 1-based lines and columns.
/// <see cref="SecretOffset"/> and <see cref="SecretLength"/> place the secret inside <see cref="MatchedText"/>.
/// <see cref="Score"/> is a recogniser's own score (a NER model's), null where the rule's confidence decides.
/// Carries the clear secret for the detector that turns it into a redacted finding; never report it as is.
/// </summary>
public sealed record TextMatch(
    Rule Rule,
    long Start,
    long End,
    int Line,
    int Column,
    int EndLine,
    int EndColumn,
    string MatchedText,
    string Secret,
    int SecretOffset,
    int SecretLength,
    double? Score = null)
{
    /// <summary>
    /// The finding that reports this match: the rule's identity and tags, the match's place. What to say, what to
    /// show and which value identifies the finding are the detector's (a secret is masked; an instruction is shown).
    /// </summary>
    public Finding ToFinding(string displayPath, string relativePath, string message, string evidence, string identifyingValue) => new()
    {
        RuleId = Rule.Id,
        RuleName = Rule.Name,
        Pillar = Rule.Pillar,
        Severity = Rule.Severity,
        Confidence = Rule.Confidence,
        Message = message,
        Location = new Location(displayPath, Line, Column, EndLine, EndColumn, Start, (int)(End - Start)),
        Evidence = evidence,
        Fingerprint = Fingerprints.Of(Rule.Id, relativePath, identifyingValue),
        Tags = Rule.Tags,
        Score = Score ?? ConfidenceScore(Rule.Confidence),
        EntityType = Rule.EntityType,
    };

    /// <summary>The score a rule's confidence stands for when no recogniser gave one.</summary>
    public static double ConfidenceScore(Confidence confidence) => confidence switch
    {
        Confidence.High => 0.95,
        Confidence.Medium => 0.75,
        _ => 0.5,
    };
}
