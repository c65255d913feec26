namespace Bulwark.Infra.Parsing;

/// <summary>
/// The errors and the value count of one file's parse, held to <see cref="InfraParseLimits"/>: a hostile file gets at
/// most <c>MaxErrors</c> messages (then one "N more errors") and stops being read once it has produced
/// <c>MaxNodes</c> values.
/// </summary>
internal sealed class TextParseBudget(InfraParseLimits limits)
{
    private readonly List<InfraParseError> errors = [];
    private int dropped;
    private int droppedLine;
    private int droppedColumn;
    private int nodes;

    /// <summary>Whether the file has produced more values than <c>MaxNodes</c>: parsers stop reading then.</summary>
    public bool Exhausted { get; private set; }

    public void Error(string message, int line, int column)
    {
        if (errors.Count < limits.MaxErrors)
        {
            errors.Add(new InfraParseError(message, line, column));
            return;
        }
        if (dropped++ == 0) (droppedLine, droppedColumn) = (line, column);
    }

    /// <summary>Counts <paramref name="count"/> new values; false (and one error) once the file is over its limit.</summary>
    public bool Spend(int count, int line, int column)
    {
        if (Exhausted) return false;
        nodes += count;
        if (nodes <= limits.MaxNodes) return true;
        Exhausted = true;
        Error($"more than {limits.MaxNodes} values: the rest of the file is not read", line, column);
        return false;
    }

    public IReadOnlyList<InfraParseError> Errors() =>
        dropped == 0 ? errors : [.. errors, new InfraParseError($"{dropped} more errors", droppedLine, droppedColumn)];

    /// <summary>Hostile text stays short in messages.</summary>
    public static string Shorten(ReadOnlySpan<char> text) => text.Length <= 60 ? text.ToString() : string.Concat(text[..60], "…");
}
