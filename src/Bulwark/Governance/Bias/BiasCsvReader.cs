using System.Text;
using Bulwark.Kernel;

namespace Bulwark.Governance.Bias;

/// <summary>
/// A small RFC 4180 reader (header row, quoted fields, "" escapes, CRLF or LF, line breaks inside quotes) bounded by
/// field length and column count. Kept private to Bias so Governance does not depend on the Data pillar's readers.
/// </summary>
internal sealed class BiasCsvReader(TextReader reader, BiasReadLimits limits)
{
    private readonly StringBuilder _field = new();

    /// <summary>Reads one record; null at the end of input.</summary>
    public List<string>? ReadRecord(long rowNumber)
    {
        var next = reader.Peek();
        if (next < 0) return null;
        var fields = new List<string>();
        _field.Clear();
        var quoted = false;
        var afterQuote = false;
        while (true)
        {
            var c = reader.Read();
            if (quoted)
            {
                if (c < 0) throw new BulwarkInputException($"row {rowNumber}: a quoted field is not closed before the end of the file");
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        Append('"', rowNumber);
                    }
                    else
                    {
                        quoted = false;
                        afterQuote = true;
                    }
                }
                else Append((char)c, rowNumber);
                continue;
            }
            if (c < 0 || c == '\n' || c == '\r')
            {
                if (c == '\r' && reader.Peek() == '\n') reader.Read();
                EndField(fields, rowNumber);
                return fields;
            }
            if (c == ',')
            {
                EndField(fields, rowNumber);
                afterQuote = false;
                continue;
            }
            if (c == '"' && _field.Length == 0 && !afterQuote)
            {
                quoted = true;
                continue;
            }
            if (afterQuote) throw new BulwarkInputException($"row {rowNumber}: text after a closing quote (a quote inside a field must be doubled)");
            Append((char)c, rowNumber);
        }
    }

    private void Append(char c, long rowNumber)
    {
        if (_field.Length >= limits.MaxFieldChars) throw new BulwarkInputException($"row {rowNumber}: a field is longer than {limits.MaxFieldChars} characters");
        _field.Append(c);
    }

    private void EndField(List<string> fields, long rowNumber)
    {
        if (fields.Count >= limits.MaxColumns) throw new BulwarkInputException($"row {rowNumber}: more than {limits.MaxColumns} columns");
        fields.Add(_field.ToString());
        _field.Clear();
    }
}
