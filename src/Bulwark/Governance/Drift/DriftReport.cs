namespace Bulwark.Governance.Drift;

/// <summary>How a column is compared: by the numbers, as categories, or as free text (prompts).</summary>
public enum ColumnKind
{
    Numeric,
    Categorical,
    Text,
}

/// <summary>
/// One test on one column. <see cref="Statistic"/> is the test's number (D, χ², PSI, JS, W …) and
/// <see cref="PValue"/> its p-value where it has one; <see cref="Threshold"/> with <see cref="Rule"/> says when it
/// calls drift; a <see cref="Decisive"/> test is one the column's verdict rests on.
/// </summary>
public sealed record DriftTest(string Name, double Statistic, double? PValue, double? Threshold, string Rule, bool Drifted, bool Decisive);

/// <summary>A token whose frequency moved: ln((c+1)/(N_c+V)) − ln((r+1)/(N_r+V)), with counts r, c.</summary>
public sealed record KeywordShift(string Token, long Reference, long Current, double LogRatio);

/// <summary>The text measures beyond the tests: vocabulary coverage, script mix, and the keywords that moved.</summary>
public sealed record TextDriftDetail(
    double ReferenceMeanLength,
    double CurrentMeanLength,
    double ReferenceOutOfVocabulary,
    double CurrentOutOfVocabulary,
    IReadOnlyDictionary<string, double> ReferenceScripts,
    IReadOnlyDictionary<string, double> CurrentScripts,
    IReadOnlyList<KeywordShift> Rising,
    IReadOnlyList<KeywordShift> Falling);

/// <summary>
/// One column's result. <see cref="Evaluated"/> is false when either side has no usable value (then
/// <see cref="Note"/> says why, the tests are empty and the column does not count towards the dataset's share).
/// </summary>
public sealed record ColumnDrift(
    string Name,
    ColumnKind Kind,
    int ReferenceValues,
    int CurrentValues,
    int ReferenceMissing,
    int CurrentMissing,
    bool Evaluated,
    bool Drifted,
    string? Note,
    IReadOnlyList<DriftTest> Tests,
    TextDriftDetail? Text = null);

/// <summary>The comparison of two datasets, column by column, with the dataset's verdict.</summary>
public sealed record DriftReport(
    string Reference,
    string Current,
    int ReferenceRows,
    int CurrentRows,
    bool ReferenceTruncated,
    bool CurrentTruncated,
    IReadOnlyList<ColumnDrift> Columns,
    IReadOnlyList<string> SkippedColumns,
    int EvaluatedColumns,
    int DriftedColumns,
    double DriftShare,
    double DatasetThreshold,
    bool Drifted);
