using System.Runtime.CompilerServices;
using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Governance.ShadowAi.Logs;

/// <summary>
/// A comma- or tab-separated log read through a <see cref="ColumnMapping"/>. Cells may be quoted as RFC 4180 says
/// (<c>"a,b"</c>, <c>""</c> for a quote); a record is one line, so a quoted line break is not supported (the piece
/// is malformed). Header names match case-insensitively; lines starting with <c>#</c> are comments.
/// </summary>
public sealed class DelimitedParser : LogLineParser
{
    private readonly byte separator;
    private readonly ColumnMapping mapping;
    private readonly ScratchBuffer scratch = new();
    private byte[]? columns; // the slot of each column up to the last one read; null until the header row
    private string? layoutError;

    public DelimitedParser(ColumnMapping mapping, byte separator = (byte)',')
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.Host is null) throw new BulwarkInputException("a column mapping needs host=<column>");
        if (separator is (byte)'"' or (byte)'\r' or (byte)'\n') throw new ArgumentOutOfRangeException(nameof(separator));
        this.separator = separator;
        this.mapping = mapping;
        if (!mapping.HasHeader)
        {
            var named = mapping.Columns().FirstOrDefault(c => c is not null && !ColumnMapping.IsIndex(c));
            if (named is not null) throw new BulwarkInputException($"column '{named}' is a name, but header=no: give column numbers");
            columns = Layout(mapping, static (_, _) => -1, null);
        }
    }

    public override string Format => separator == '\t' ? "tsv" : "csv";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override LineOutcome Parse(ReadOnlySpan<byte> line, ref LogRecord record)
    {
        if (line.IsEmpty || line[0] == '#') return LineOutcome.Skipped;
        scratch.Clear();
        if (columns is null) return Header(line);
        if (layoutError is not null) return Malformed(layoutError);

        var fields = default(MappedFields);
        var rest = line;
        var last = columns.Length - 1;
        for (var column = 0; ; column++)
        {
            var error = NextCell(ref rest, out var cell, out var more);
            if (error is not null) return Malformed(error);
            fields.Set(columns[column], cell);
            if (column == last) break;
            if (!more) return Malformed("fewer columns than the mapping reads");
        }
        var problem = fields.Fill(ref record);
        return problem is null ? LineOutcome.Record : Malformed(problem);
    }

    /// <summary>The header row: each mapped name's column. The header line itself is skipped; if the host column is
    /// missing, every line after it is malformed with that reason.</summary>
    private LineOutcome Header(ReadOnlySpan<byte> line)
    {
        var names = new List<string>();
        var rest = line;
        while (names.Count <= 4096)
        {
            var error = NextCell(ref rest, out var cell, out var more);
            if (error is not null) return Malformed(error);
            names.Add(Encoding.UTF8.GetString(LogFields.TrimSpaces(cell)));
            if (!more) break;
        }
        string? missing = null;
        columns = Layout(mapping, (name, _) => names.FindIndex(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)), m => missing = m);
        if (missing is not null) layoutError = $"the header has no column '{missing}'";
        return LineOutcome.Skipped;
    }

    /// <summary>Builds the slot array from column numbers and from names found by <paramref name="find"/>; a
    /// missing host is reported, other missing columns are simply not read.</summary>
    private static byte[] Layout(ColumnMapping mapping, Func<string, int, int> find, Action<string>? hostMissing)
    {
        var columns = mapping.Columns();
        var at = new int[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            at[i] = column is null ? -1 : ColumnMapping.TryIndex(column, out var index) ? index : find(column, i);
            if (i == 0 && at[i] < 0 && column is not null) hostMissing?.Invoke(column);
        }
        var layout = new byte[Math.Max(at.Max() + 1, 1)];
        for (var i = columns.Length - 1; i >= 0; i--)
        {
            if (at[i] >= 0) layout[at[i]] = (byte)(i + 1); // the MappedFields slot: Host = 1 …
        }
        return layout;
    }

    /// <summary>Reads one cell and moves past its separator; <paramref name="more"/> says whether another follows.</summary>
    private string? NextCell(scoped ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> cell, out bool more)
    {
        var start = 0;
        while (start < rest.Length && rest[start] == ' ') start++;
        if (start == rest.Length || rest[start] != '"')
        {
            var end = rest.IndexOf(separator);
            more = end >= 0;
            cell = more ? rest[..end] : rest;
            rest = more ? rest[(end + 1)..] : default;
            return null;
        }
        var quoted = rest[(start + 1)..];
        var escapes = false;
        var close = 0;
        while (true)
        {
            var quote = quoted[close..].IndexOf((byte)'"');
            if (quote < 0)
            {
                cell = default;
                more = false;
                return "an unclosed quote (a record is one line)";
            }
            close += quote;
            if (close + 1 < quoted.Length && quoted[close + 1] == '"')
            {
                escapes = true;
                close += 2;
                continue;
            }
            break;
        }
        var after = quoted[(close + 1)..];
        var next = 0;
        while (next < after.Length && after[next] == ' ') next++;
        if (next < after.Length && after[next] != separator)
        {
            cell = default;
            more = false;
            return "text after a closing quote";
        }
        cell = escapes ? Unquote(quoted[..close]) : quoted[..close];
        more = next < after.Length;
        rest = more ? after[(next + 1)..] : default;
        return null;
    }

    private ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> value)
    {
        var output = scratch.Take(value.Length);
        var n = 0;
        for (var i = 0; i < value.Length; i++)
        {
            output[n++] = value[i];
            if (value[i] == '"') i++; // the second of a doubled quote
        }
        return scratch.Keep(n);
    }
}
