using Bulwark.Kernel;

namespace Bulwark.Governance.Assessment;

/// <summary>The words reports and JSON use for the assessment's enums, in one place so a diff can read them back.</summary>
public static class AssessmentNames
{
    public static string Of(Pillar pillar) => pillar.ToString().ToLowerInvariant();

    public static string Title(Pillar pillar) => pillar.ToString();

    public static string Of(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.NotApplicable => "n/a",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static CheckOutcome? ParseOutcome(string? text) => text switch
    {
        "pass" => CheckOutcome.Pass,
        "partial" => CheckOutcome.Partial,
        "fail" => CheckOutcome.Fail,
        "unanswered" => CheckOutcome.Unanswered,
        "n/a" => CheckOutcome.NotApplicable,
        _ => null,
    };

    public static string Of(ControlState state) => state switch
    {
        ControlState.NotAssessed => "not-assessed",
        _ => state.ToString().ToLowerInvariant(),
    };

    public static string Of(CheckSource source) => source.ToString().ToLowerInvariant();

    public static string Of(EvidenceKind kind) => kind.ToString().ToLowerInvariant();
}
