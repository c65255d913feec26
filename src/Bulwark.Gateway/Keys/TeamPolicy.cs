namespace Bulwark.Gateway.Keys;

/// <summary>
/// A team's row: limits and a guard policy shared by every key of the team. Effective limits are the stricter of
/// key and team, since both apply: the team's rpm, tpm and daily budget are one allowance for all its keys.
/// </summary>
/// <param name="Models">Models the team's keys may call; empty means every configured model.</param>
/// <param name="RequestsPerMinute">Shared by the team's keys; null: unlimited.</param>
/// <param name="TokensPerMinute">Shared by the team's keys; null: unlimited.</param>
/// <param name="BudgetTokensPerDay">Shared per UTC day; null: no budget.</param>
/// <param name="GuardPolicy">A named guard policy for the team's keys that name none themselves; null: the model's or the default.</param>
public sealed record TeamPolicy(
    string Name,
    IReadOnlyList<string> Models,
    int? RequestsPerMinute,
    int? TokensPerMinute,
    long? BudgetTokensPerDay,
    string? GuardPolicy,
    DateTimeOffset Created);

/// <summary>Rules keys and teams share.</summary>
public static class AccessLimits
{
    public const int MaxTeamNameLength = 100;

    public static bool AllowsModel(IReadOnlyList<string> models, string model) => models.Count == 0 || models.Contains(model, StringComparer.Ordinal);

    /// <summary>Why a team name is unusable, or null: names appear in audit records, tables and URLs.</summary>
    public static string? TeamNameProblem(string name) =>
        name.Length == 0 ? "must not be empty"
        : name.Length > MaxTeamNameLength ? $"must be at most {MaxTeamNameLength} characters"
        : name.Any(c => char.IsControl(c) || c is '/' or ',') || name != name.Trim() ? "must not contain control characters, '/' or ',' or start or end with spaces"
        : null;
}
