
namespace Bulwark.Kernel;

/// <summary>The outcome of a scan: findings in file and line order, notes, and counts.</summary>
public sealed record ScanResult
{
    public required IReadOnlyList<Finding> Findings { get; init; }
    public required IReadOnlyList<ScanNote> Notes { get; init; }
    public required ScanStatistics Statistics { get; init; }

    /// <summary>The sensitivity of every scanned file (public when nothing was found in it).</summary>
    public IReadOnlyList<FileClassification> Classifications { get; init; } = [];
}

public sealed record ScanStatistics(
    int FilesScanned,
    int FilesSkipped,
    long BytesScanned,
    TimeSpan Duration,
    int RulesUsed,
    int SuppressedByBaseline,
    DateTimeOffset StartedAt);

/// <summary>Everything a report writer needs: the result, the rules that produced it, and the tool's identity.</summary>
public sealed record ScanReport(ScanResult Result, IReadOnlyList<RulePacks.Rule> Rules, string ToolVersion, IReadOnlyList<string> Roots)
{
    public const string ToolName = "Bulwark";
    public const string InformationUri = "https://github.com/bulwark-ai/bulwark";

    /// <summary>Where a rule's generated documentation page lives.</summary>
    public static string HelpUri(string ruleId) => $"{InformationUri}/blob/main/docs/rules/{ruleId}.md";
}
