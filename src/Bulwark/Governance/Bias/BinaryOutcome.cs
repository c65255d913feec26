using Bulwark.Kernel;

namespace Bulwark.Governance.Bias;

/// <summary>Reads a label or prediction cell as a binary outcome.</summary>
internal static class BinaryOutcome
{
    /// <summary>
    /// With <paramref name="positive"/> named, that value (case-insensitive, trimmed) is 1 and any other non-empty value
    /// is 0; without it only 1/0, true/false and yes/no are accepted, so a score or a three-class label is an error
    /// rather than a silent misreading.
    /// </summary>
    public static bool Parse(string? raw, string? positive, string column, string where)
    {
        var value = raw?.Trim();
        if (string.IsNullOrEmpty(value)) throw new BulwarkInputException($"{where}: column '{column}' is empty; labels and predictions must be binary");
        if (positive is not null) return string.Equals(value, positive.Trim(), StringComparison.OrdinalIgnoreCase);
        if (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase)) return true;
        if (value == "0" || value.Equals("false", StringComparison.OrdinalIgnoreCase) || value.Equals("no", StringComparison.OrdinalIgnoreCase)) return false;
        var shown = value.Length > 40 ? value[..40] + "…" : value;
        throw new BulwarkInputException($"{where}: column '{column}' has '{shown}', which is not binary (1/0, true/false, yes/no); name the positive class with --positive VALUE");
    }
}
