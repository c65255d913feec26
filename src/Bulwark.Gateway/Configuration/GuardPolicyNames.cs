namespace Bulwark.Gateway.Configuration;

/// <summary>What a guard policy name may be: config keys, CLI options and admin requests all check it the same way.</summary>
public static class GuardPolicyNames
{
    /// <summary>Always means <c>guards.policy</c> (or the embedded default policy).</summary>
    public const string Default = "default";

    public const int MaxLength = 64;

    /// <summary>Why a name is unusable, or null. (No regex: the gateway keeps pattern machinery in the library.)</summary>
    public static string? Problem(string name) =>
        name.Length is > 0 and <= MaxLength && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? null
            : $"'{(name.Length > MaxLength ? name[..MaxLength] + "…" : name)}' is not a policy name (letters, digits, '-', '_' and '.', at most {MaxLength}, starting with a letter or digit)";
}
