namespace Bulwark.Governance.Drift;

/// <summary>A table read for drift: named columns of raw cell text (null for a missing cell), all of the same length.</summary>
public sealed class TabularData
{
    private readonly Dictionary<string, List<string?>> _columns = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Rows read (at most the reader's row limit).</summary>
    public int Rows { get; private set; }

    /// <summary>True when the file held more rows than the limit and the rest was not read.</summary>
    public bool Truncated { get; internal set; }

    public IReadOnlyList<string?> Column(string name) => _columns[name];

    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>Adds a column, padded with nulls for the rows already read (JSONL keys can appear late).</summary>
    internal List<string?> AddColumn(string name)
    {
        if (_columns.TryGetValue(name, out var existing)) return existing;
        var cells = new List<string?>(Rows);
        for (var i = 0; i < Rows; i++) cells.Add(null);
        _columns[name] = cells;
        _names.Add(name);
        return cells;
    }

    /// <summary>Closes a row: every column shorter than the new row count gets a null.</summary>
    internal void EndRow()
    {
        Rows++;
        foreach (var cells in _columns.Values)
        {
            if (cells.Count < Rows) cells.Add(null);
        }
    }

    /// <summary>Builds a table from columns of equal length (Parquet reads column-wise).</summary>
    internal void AppendColumnChunk(string name, IEnumerable<string?> cells) => AddColumn(name).AddRange(cells);

    internal void SetRows(int rows) => Rows = rows;

    /// <summary>For tests and callers with data in memory.</summary>
    public static TabularData FromColumns(params (string Name, string?[] Cells)[] columns)
    {
        var table = new TabularData();
        foreach (var (name, cells) in columns) table.AppendColumnChunk(name, cells);
        table.SetRows(columns.Length == 0 ? 0 : columns.Max(c => c.Cells.Length));
        foreach (var (name, _) in columns)
        {
            var list = table._columns[name];
            while (list.Count < table.Rows) list.Add(null);
        }
        return table;
    }
}
