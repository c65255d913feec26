using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Governance.Drift;

/// <summary>
/// RFC 4180 CSV: a header row, comma-separated fields, double-quoted fields may hold commas, line breaks and doubled
/// quotes. Short rows are padded with missing cells; a row longer than the header is an error, as is an open quote at
/// the end of the file.
/// </summary>
internal static class CsvTableReader
{
    public static TabularData Read(TextReader reader, TabularReadOptions options, string source)
    {
        var table = new TabularData();
        var header = ReadRecord(reader, options, source, 1) ?? throw new BulwarkInputException($"{source}: the file is empty (a header row is needed)");
        var columns = new List<List<string?>>();
        foreach (var name in header)
        {
            if (table.HasColumn(name)) throw new BulwarkInputException($"{source}: column '{name}' appears twice in the header");
            columns.Add(table.AddColumn(name));
        }
        var record = 1;
        while (ReadRecord(reader, options, source, record + 1) is { } fields)
        {
            record++;
            if (fields.Count == 1 && fields[0].Length == 0) continue; // a blank line
            if (table.Rows >= options.MaxRows)
            {
                table.Truncated = true;
                break;
            }
            if (fields.Count > columns.Count) throw new BulwarkInputException($"{source}: record {record} has {fields.Count} fields, the header {columns.Count}");
            for (var i = 0; i < fields.Count; i++) columns[i].Add(fields[i].Length == 0 ? null : fields[i]);
            table.EndRow();
        }
        return table;
    }

    private static List<string>? ReadRecord(TextReader reader, TabularReadOptions options, string source, int record)
    {
        var next = reader.Read();
        if (next < 0) return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        while (true)
        {
            if (field.Length > options.MaxCellChars) throw new BulwarkInputException($"{source}: a field of record {record} is longer than {options.MaxCellChars:N0} characters");
            if (quoted)
            {
                if (next < 0) throw new BulwarkInputException($"{source}: record {record} has a quote that is never closed");
                if (next == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append((char)next);
                }
            }
            else if (next < 0 || next == '\n' || next == '\r')
            {
                if (next == '\r' && reader.Peek() == '\n') reader.Read();
                fields.Add(field.ToString());
                return fields;
            }
            else if (next == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (next == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else
            {
                field.Append((char)next);
            }
            next = reader.Read();
        }
    }
}
