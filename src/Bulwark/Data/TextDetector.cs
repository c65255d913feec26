using Bulwark.Data.Secrets;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Data;

/// <summary>
/// The data pillar's text detector: runs every pattern rule over a document in one pass and turns the matches
/// into findings with redacted evidence. Generic rules give way to specific ones on the same value.
/// </summary>
public sealed class TextDetector
{
    private readonly TextDocumentScanner _scanner;

    public TextDetector(IReadOnlyList<Rule> rules, ScanLimits limits, TimeProvider time)
    {
        Rules = rules;
        _scanner = new TextDocumentScanner(new PatternEngine(rules, limits), limits, time);
    }

    public IReadOnlyList<Rule> Rules { get; }

    /// <param name="displayPath">The path shown in reports.</param>
    /// <param name="relativePath">The path relative to the scan root; part of the fingerprint.</param>
    public (IReadOnlyList<Finding> Findings, TextScanOutcome Outcome) ScanStream(Stream stream, string displayPath, string relativePath, CancellationToken cancellationToken = default)
    {
        var outcome = _scanner.Scan(stream, cancellationToken);
        return (ToFindings(outcome.Matches, displayPath, relativePath), outcome);
    }

    public IReadOnlyList<Finding> ScanText(string text, string displayPath = "<text>") =>
        ToFindings(_scanner.ScanString(text), displayPath, displayPath);

    /// <summary>The raw matches of a string, for callers that need offsets rather than findings.</summary>
    public IReadOnlyList<TextMatch> MatchText(string text) => WithoutShadowedGeneric(_scanner.ScanString(text));

    private static List<Finding> ToFindings(IReadOnlyList<TextMatch> matches, string displayPath, string relativePath) =>
        WithoutShadowedGeneric(matches).Select(m => ToFinding(m, displayPath, relativePath)).ToList();

    private static Finding ToFinding(TextMatch match, string displayPath, string relativePath)
    {
        var rule = match.Rule;
        return new Finding
        {
            RuleId = rule.Id,
            RuleName = rule.Name,
            Pillar = rule.Pillar,
            Severity = rule.Severity,
            Confidence = rule.Confidence,
            Message = $"{rule.Name} in plain text",
            Location = new Location(displayPath, match.Line, match.Column, match.EndLine, match.EndColumn, match.Start, (int)(match.End - match.Start)),
            Evidence = SecretRedactor.Evidence(match.MatchedText, match.SecretOffset, match.SecretLength),
            Fingerprint = Fingerprints.Of(rule.Id, relativePath, match.Secret),
            Tags = rule.Tags,
            Score = Score(rule.Confidence),
            EntityType = rule.EntityType,
        };
    }

    public static double Score(Confidence confidence) => confidence switch
    {
        Confidence.High => 0.95,
        Confidence.Medium => 0.75,
        _ => 0.5,
    };

    private static List<TextMatch> WithoutShadowedGeneric(IReadOnlyList<TextMatch> matches)
    {
        var specific = matches.Where(m => !m.Rule.Generic).ToList();
        return matches.Where(m => !m.Rule.Generic || !specific.Any(s => s.Start < m.End && m.Start < s.End)).ToList();
    }
}
