using System.Text.RegularExpressions;

namespace Bulwark.Gateway.Configuration;

/// <summary>What a guard policy name may be: config keys, CLI options and admin requests all check it the same way.</summary>
public static partial class GuardPolicyNames
{
    /// <summary>Always means <c>guards.policy</c> (or the embedded default policy).</summary>
    public const string Default = "default";

    /// <summary>Why a name is unusable, or null.</summary>
    public static string? Problem(string name) =>
        ValidName().IsMatch(name) ? null : $"'{Shown(name)}' is not a policy name (letters, digits, '-', '_' and '.', at most 64, starting with a letter or digit)";

    private static string Shown(string name) => name.Length > 64 ? name[..64] + "…" : name;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex ValidName();
}
