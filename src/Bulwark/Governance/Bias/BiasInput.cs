namespace Bulwark.Governance.Bias;

/// <summary>Which columns of the data set hold the sensitive attributes, the true label and the model's prediction.</summary>
/// <param name="Sensitive">One or more sensitive columns; several give per-column and intersectional groups.</param>
/// <param name="Label">The true outcome y (binary).</param>
/// <param name="Prediction">The model's decision ŷ (binary).</param>
/// <param name="Positive">The value naming the positive class; null accepts 1/0, true/false, yes/no.</param>
public sealed record BiasColumns(IReadOnlyList<string> Sensitive, string Label, string Prediction, string? Positive = null);

/// <summary>Bounds on what the bias readers accept: the input is hostile until read.</summary>
public sealed record BiasReadLimits
{
    /// <summary>Data rows at most (default 1,000,000); more is an error, not a silent truncation that would skew rates.</summary>
    public long MaxRows { get; init; } = 1_000_000;

    /// <summary>File size at most (default 1 GiB).</summary>
    public long MaxFileBytes { get; init; } = 1L << 30;

    /// <summary>Characters in one field or one JSONL line (default 1 MiB).</summary>
    public int MaxFieldChars { get; init; } = 1 << 20;

    /// <summary>Columns per row (default 10,000).</summary>
    public int MaxColumns { get; init; } = 10_000;

    /// <summary>Distinct (intersectional) groups at most (default 10,000): an id column named as sensitive by mistake stops here.</summary>
    public int MaxGroups { get; init; } = 10_000;

    public static BiasReadLimits Default { get; } = new();
}

/// <summary>The four cells of the binary confusion matrix for one group.</summary>
public readonly record struct ConfusionCounts(long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives)
{
    public long N => TruePositives + FalsePositives + FalseNegatives + TrueNegatives;

    /// <summary>Rows with y = 1.</summary>
    public long Positives => TruePositives + FalseNegatives;

    /// <summary>Rows with y = 0.</summary>
    public long Negatives => FalsePositives + TrueNegatives;

    /// <summary>Rows with ŷ = 1.</summary>
    public long PredictedPositives => TruePositives + FalsePositives;

    public ConfusionCounts Add(bool label, bool prediction) => (label, prediction) switch
    {
        (true, true) => this with { TruePositives = TruePositives + 1 },
        (false, true) => this with { FalsePositives = FalsePositives + 1 },
        (true, false) => this with { FalseNegatives = FalseNegatives + 1 },
        _ => this with { TrueNegatives = TrueNegatives + 1 },
    };

    public ConfusionCounts Add(ConfusionCounts other) =>
        new(TruePositives + other.TruePositives, FalsePositives + other.FalsePositives, FalseNegatives + other.FalseNegatives, TrueNegatives + other.TrueNegatives);
}

/// <summary>
/// What the reader keeps of a data set: confusion counts per combination of sensitive values. Per-column groups are
/// sums of these cells, so memory is bounded by the number of distinct combinations, not rows.
/// </summary>
public sealed class BiasCounts
{
    private readonly Dictionary<string, (string[] Values, ConfusionCounts Counts)> _cells = new(StringComparer.Ordinal);
    private readonly int _maxGroups;

    public BiasCounts(IReadOnlyList<string> sensitiveColumns, int maxGroups = 10_000)
    {
        if (sensitiveColumns.Count == 0) throw new Kernel.BulwarkInputException("name at least one sensitive column");
        SensitiveColumns = sensitiveColumns;
        _maxGroups = maxGroups;
    }

    /// <summary>Name of the group of rows whose sensitive value is empty or absent.</summary>
    public const string MissingGroup = "(missing)";

    public IReadOnlyList<string> SensitiveColumns { get; }

    public long Rows { get; private set; }

    public void Add(IReadOnlyList<string> values, bool label, bool prediction)
    {
        // U+001F cannot be typed into a CSV cell by accident, so it separates values safely in the key.
        var key = string.Join('\u001f', values);
        if (!_cells.TryGetValue(key, out var cell))
        {
            if (_cells.Count >= _maxGroups)
                throw new Kernel.BulwarkInputException($"more than {_maxGroups} distinct groups: is one of the sensitive columns ({string.Join(", ", SensitiveColumns)}) an identifier?");
            cell = ([.. values], default);
        }
        _cells[key] = (cell.Values, cell.Counts.Add(label, prediction));
        Rows++;
    }

    /// <summary>Groups by the values of the columns at <paramref name="columnIndexes"/>; the name joins values with '|'.</summary>
    public IReadOnlyList<(string Name, ConfusionCounts Counts)> GroupBy(IReadOnlyList<int> columnIndexes)
    {
        var groups = new SortedDictionary<string, ConfusionCounts>(StringComparer.Ordinal);
        foreach (var (values, counts) in _cells.Values)
        {
            var name = string.Join('|', columnIndexes.Select(i => values[i]));
            groups[name] = groups.TryGetValue(name, out var sum) ? sum.Add(counts) : counts;
        }
        return [.. groups.Select(g => (g.Key, g.Value))];
    }
}
