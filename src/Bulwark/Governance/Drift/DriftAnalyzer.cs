using Bulwark.Kernel;

namespace Bulwark.Governance.Drift;

/// <summary>
/// Compares a current dataset with a reference one, column by column (the columns both hold, or a named subset),
/// and calls the dataset drifted when more than half of the evaluated columns drift.
/// </summary>
public static class DriftAnalyzer
{
    public static DriftReport Compare(string referencePath, string currentPath, IReadOnlyCollection<string>? columns = null, TabularReadOptions? options = null)
    {
        var reference = TabularReader.Read(referencePath, options);
        var current = TabularReader.Read(currentPath, options);
        return Compare(reference, current, columns, referencePath, currentPath);
    }

    public static DriftReport Compare(TabularData reference, TabularData current, IReadOnlyCollection<string>? columns = null, string referenceName = "reference", string currentName = "current")
    {
        var common = reference.Names.Where(current.HasColumn).ToList();
        if (columns is { Count: > 0 })
        {
            foreach (var name in columns.Where(n => !common.Contains(n, StringComparer.Ordinal)))
                throw new BulwarkInputException($"column '{name}' is not in both datasets (common columns: {string.Join(", ", common)})");
            common = common.Where(columns.Contains).ToList();
        }
        if (common.Count == 0)
            throw new BulwarkInputException($"the datasets have no column in common (reference: {string.Join(", ", reference.Names)}; current: {string.Join(", ", current.Names)})");
        var skipped = reference.Names.Concat(current.Names).Distinct(StringComparer.Ordinal).Where(n => !common.Contains(n, StringComparer.Ordinal)).ToList();

        var results = common.Select(name => CompareColumn(name, reference.Column(name), current.Column(name))).ToList();
        var evaluated = results.Count(r => r.Evaluated);
        var drifted = results.Count(r => r.Drifted);
        var share = evaluated == 0 ? 0 : (double)drifted / evaluated;
        return new DriftReport(referenceName, currentName, reference.Rows, current.Rows, reference.Truncated, current.Truncated, results, skipped,
            evaluated, drifted, share, DriftThresholds.DatasetShare, share > DriftThresholds.DatasetShare);
    }

    /// <summary>One column: its kind from the reference (or the current data when the reference has no value), then the tests.</summary>
    public static ColumnDrift CompareColumn(string name, IReadOnlyList<string?> reference, IReadOnlyList<string?> current)
    {
        var referenceHasValues = reference.Any(c => !string.IsNullOrWhiteSpace(c));
        var kind = ColumnKinds.Infer(name, referenceHasValues ? reference : current);
        if (kind == ColumnKind.Numeric)
        {
            var (r, c) = (Numbers(reference), Numbers(current));
            return Result(name, kind, r.Length, c.Length, reference.Count - r.Length, current.Count - c.Length,
                () => (NumericDrift.Compare(r, c, r.Length <= DriftThresholds.SmallSample), null));
        }
        var (rs, cs) = (Strings(reference), Strings(current));
        return Result(name, kind, rs.Count, cs.Count, reference.Count - rs.Count, current.Count - cs.Count, kind == ColumnKind.Text
            ? () => TextDrift.Compare(rs, cs)
            : () => (CategoricalDrift.Compare(rs, cs, rs.Count <= DriftThresholds.SmallSample), null));
    }

    private static ColumnDrift Result(string name, ColumnKind kind, int referenceValues, int currentValues, int referenceMissing, int currentMissing, Func<(List<DriftTest>, TextDriftDetail?)> run)
    {
        // A side with no value cannot be compared: say so rather than report a made-up distance.
        var note = (referenceValues, currentValues) switch
        {
            (0, 0) => "no values in either dataset",
            (0, _) => "no values in the reference",
            (_, 0) => "no values in the current data",
            _ => null,
        };
        if (note is not null) return new ColumnDrift(name, kind, referenceValues, currentValues, referenceMissing, currentMissing, false, false, note, []);
        var (tests, text) = run();
        return new ColumnDrift(name, kind, referenceValues, currentValues, referenceMissing, currentMissing, true, tests.Any(t => t.Decisive && t.Drifted), null, tests, text);
    }

    private static double[] Numbers(IReadOnlyList<string?> cells)
    {
        var values = new List<double>(cells.Count);
        foreach (var cell in cells)
        {
            if (ColumnKinds.TryParse(cell, out var v)) values.Add(v);
        }
        return [.. values];
    }

    private static List<string> Strings(IReadOnlyList<string?> cells) => cells.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!).ToList();
}
