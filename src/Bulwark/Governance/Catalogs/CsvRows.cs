using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Governance.Catalogs;

/// <summary>A CSV record and the line it starts on (1-based), for messages.</summary>
internal sealed record CsvRow(IReadOnlyList<string> Fields, int Line);

/// <summary>RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.</summary>
internal static class CsvRows
{
    public static List<CsvRow> Parse(string text, string path)
    {
        var rows = new List<CsvRow>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var (line, rowLine, quoted, quoteLine) = (1, 1, false, 0);
        for (var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else
                {
                    if (c == '\n') line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    (quoted, quoteLine) = (true, line);
                    break;
                case '"':
                    throw new BulwarkInputException($"{path}:{line}: a quote inside an unquoted field (quote the whole field and double the quote)");
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    rows.Add(new CsvRow([.. fields], rowLine));
                    fields.Clear();
                    rowLine = ++line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (quoted) throw new BulwarkInputException($"{path}:{quoteLine}: a quoted field is never closed");
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            rows.Add(new CsvRow([.. fields], rowLine));
        }
        return rows;
    }
}
