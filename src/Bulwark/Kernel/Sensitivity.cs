namespace Bulwark.Kernel;

/// <summary>How carefully data must be handled, from what a file holds (ordered: a higher level wins).</summary>
public enum SensitivityLevel
{
    Public,
    Internal,
    Confidential,
    Restricted,
}

/// <summary>
/// The sensitivity of one scanned file: its level, the rule of the finding that decided it, the entity types found,
/// and for tables, the entity types of each column (from places such as <c>row 3, column email</c>).
/// </summary>
public sealed record FileClassification(
    string Path,
    SensitivityLevel Level,
    string? DecidedBy,
    IReadOnlyDictionary<string, int> Entities,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Columns);
