using System.Globalization;

namespace Bulwark.Governance.Drift;

/// <summary>
/// Infers a column's kind from its non-empty values: numeric when at least 95 % parse as numbers (invariant culture),
/// text when the name says so (prompt, text, message, content) or values average more than 40 characters, else
/// categorical.
/// </summary>
public static class ColumnKinds
{
    private static readonly HashSet<string> TextNames = new(StringComparer.OrdinalIgnoreCase) { "prompt", "text", "message", "content" };

    public static ColumnKind Infer(string name, IEnumerable<string?> cells)
    {
        long values = 0, numbers = 0, chars = 0;
        foreach (var cell in cells)
        {
            if (string.IsNullOrWhiteSpace(cell)) continue;
            values++;
            chars += cell.Length;
            if (TryParse(cell, out _)) numbers++;
        }
        if (values > 0 && numbers >= 0.95 * values) return ColumnKind.Numeric;
        if (TextNames.Contains(name) || (values > 0 && (double)chars / values > 40)) return ColumnKind.Text;
        return ColumnKind.Categorical;
    }

    /// <summary>A finite number in invariant culture ("1.5", "-3e2"); NaN and infinities are not numbers here.</summary>
    public static bool TryParse(string? cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
