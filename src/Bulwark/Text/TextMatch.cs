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
    double? Score = null);
