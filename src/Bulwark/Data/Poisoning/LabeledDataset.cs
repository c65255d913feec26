using System.Text.Json;
using Bulwark.Kernel;

namespace Bulwark.Data.Poisoning;

/// <summary>One row of a labelled dataset: its 1-based row number in the file, its text and its label.</summary>
public sealed record LabeledRow(int Row, string Text, string Label);

/// <summary>
/// Reads a labelled dataset: JSON lines or CSV/TSV with a header, the text and label fields named by the caller.
/// Bounded: at most <see cref="MaxRows"/> rows and <see cref="MaxFieldChars"/> characters per field; a bad row is an
/// error naming the row, never a crash.
/// </summary>
public static class LabeledDataset
{
    public const int MaxRows = 2_000_000;
    public const int MaxFieldChars = 1_000_000;

    public static IReadOnlyList<LabeledRow> Read(string path, string textField, string labelField)
    {
        try
        {
            using var reader = new StreamReader(path);
            var extension = Path.GetExtension(path).ToLowerInvariant();
            return extension is ".csv" or ".tsv"
                ? ReadDelimited(reader, extension == ".tsv" ? '\t' : ',', textField, labelField, path)
                : ReadJsonLines(reader, textField, labelField, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot read dataset '{path}': {e.Message}", e);
        }
    }

    public static IReadOnlyList<LabeledRow> ReadJsonLines(TextReader reader, string textField, string labelField, string source)
    {
        var rows = new List<LabeledRow>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (rows.Count >= MaxRows) throw new BulwarkInputException($"{source}: more than {MaxRows:N0} rows");
            try
            {
                using var document = JsonDocument.Parse(line);
                var text = Field(document.RootElement, textField, source, number);
                var label = Field(document.RootElement, labelField, source, number);
                rows.Add(new LabeledRow(number, text, label));
            }
            catch (JsonException e)
            {
                throw new BulwarkInputException($"{source}:{number}: not a JSON object: {e.Message}", e);
            }
        }
        return rows;
    }

    private static string Field(JsonElement row, string name, string source, int number)
    {
        if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty(name, out var value))
            throw new BulwarkInputException($"{source}:{number}: no field '{name}'");
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw new BulwarkInputException($"{source}:{number}: field '{name}' is not a string, number or boolean"),
        };
        if (text.Length > MaxFieldChars) throw new BulwarkInputException($"{source}:{number}: field '{name}' is over {MaxFieldChars:N0} characters");
        return text;
    }

    public static IReadOnlyList<LabeledRow> ReadDelimited(TextReader reader, char separator, string textField, string labelField, string source)
    {
        var records = DelimitedRecords(reader, separator, source).GetEnumerator();
        if (!records.MoveNext()) throw new BulwarkInputException($"{source}: empty file (a header row is needed)");
        var header = records.Current.Fields;
        var textColumn = Array.IndexOf(header, textField);
        var labelColumn = Array.IndexOf(header, labelField);
        if (textColumn < 0 || labelColumn < 0)
            throw new BulwarkInputException($"{source}: header has no '{(textColumn < 0 ? textField : labelField)}' column (columns: {string.Join(", ", header)})");
        var rows = new List<LabeledRow>();
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Length == 1 && fields[0].Length == 0) continue;
            if (fields.Length <= Math.Max(textColumn, labelColumn)) throw new BulwarkInputException($"{source}:{line}: {fields.Length} field(s), the header has {header.Length}");
            if (rows.Count >= MaxRows) throw new BulwarkInputException($"{source}: more than {MaxRows:N0} rows");
            rows.Add(new LabeledRow(line, fields[textColumn], fields[labelColumn]));
        }
        return rows;
    }

    /// <summary>RFC 4180 records: quoted fields may hold separators, doubled quotes and line breaks.</summary>
    private static IEnumerable<(int Line, string[] Fields)> DelimitedRecords(TextReader reader, char separator, string source)
    {
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var start = line;
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            var quoted = false;
            for (var i = 0; ; i++)
            {
                if (i == text.Length)
                {
                    if (!quoted) break;
                    // A line break inside quotes: the record goes on.
                    if (reader.ReadLine() is not { } next) throw new BulwarkInputException($"{source}:{start}: unterminated quoted field");
                    line++;
                    field.Append('\n');
                    text = next;
                    i = -1;
                    continue;
                }
                var c = text[i];
                if (field.Length > MaxFieldChars) throw new BulwarkInputException($"{source}:{start}: field over {MaxFieldChars:N0} characters");
                if (quoted)
                {
                    if (c != '"') field.Append(c);
                    else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else if (c == '"' && field.Length == 0) quoted = true;
                else if (c == separator) { fields.Add(field.ToString()); field.Clear(); }
                else field.Append(c);
            }
            fields.Add(field.ToString());
            yield return (start, fields.ToArray());
        }
    }
}
