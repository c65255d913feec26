namespace Bulwark.Data.Poisoning;

/// <summary>What a dataset check found.</summary>
public enum DatasetIssueKind
{
    ExactDuplicate,
    NearDuplicate,
    ConflictingLabels,
    BackdoorTrigger,
    LikelyMislabeled,
    LengthOutlier,
    CharacterOutlier,
    InvisibleCharacters,
    HiddenInstruction,
}

/// <summary>One finding about a dataset: its kind, the rows (1-based line or record numbers) and why.</summary>
public sealed record DatasetIssue(DatasetIssueKind Kind, IReadOnlyList<int> Rows, string Message, double Score);

/// <summary>The result of <see cref="DatasetAuditor.Audit"/>: what was read and what was found.</summary>
public sealed record DatasetAudit(int RowCount, IReadOnlyDictionary<string, int> Labels, IReadOnlyList<DatasetIssue> Issues)
{
    /// <summary>Row numbers flagged by issues of the given kinds (all kinds when none is given).</summary>
    public HashSet<int> FlaggedRows(params DatasetIssueKind[] kinds) =>
        Issues.Where(i => kinds.Length == 0 || kinds.Contains(i.Kind)).SelectMany(i => i.Rows).ToHashSet();
}
