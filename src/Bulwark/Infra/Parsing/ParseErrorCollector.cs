namespace Bulwark.Infra.Parsing;

/// <summary>
/// The errors of one file, capped at <see cref="InfraParseLimits.MaxErrors"/>: a hostile file can hold an error per
/// line, and a report with a million of them helps nobody. Two errors at one place are one error (the lexer and the
/// parser may both notice the same broken token).
/// </summary>
internal sealed class ParseErrorCollector(int maxErrors)
{
    private readonly List<InfraParseError> _errors = [];
    private int _dropped;
    private InfraParseError? _firstDropped;
    private (int Line, int Column) _last = (-1, -1);

    public void Add(string message, int line, int column)
    {
        if (_last == (line, column)) return;
        _last = (line, column);
        if (_errors.Count < Math.Max(0, maxErrors))
        {
            _errors.Add(new InfraParseError(message, line, column));
            return;
        }

        _dropped++;
        _firstDropped ??= new InfraParseError(message, line, column);
    }

    /// <summary>
    /// The kept errors in file order (a lexer with lookahead can notice a broken string after the parser reported
    /// something later on), then one "N more errors" line placed at the first one left out.
    /// </summary>
    public IReadOnlyList<InfraParseError> ToList()
    {
        var sorted = _errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
        if (_firstDropped is not null) sorted.Add(new InfraParseError($"{_dropped} more errors", _firstDropped.Line, _firstDropped.Column));
        return sorted;
    }
}
