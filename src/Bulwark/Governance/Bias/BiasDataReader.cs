using System.Text;
using System.Text.Json;
using Bulwark.Kernel;

namespace Bulwark.Governance.Bias;

/// <summary>
/// Reads a CSV (header row) or JSONL (one object per line, top-level fields) data set into <see cref="BiasCounts"/>.
/// The format follows the extension: .jsonl, .ndjson and .json are JSONL, anything else CSV.
/// </summary>
public static class BiasDataReader
{
    public static BiasCounts Read(string path, BiasColumns columns, BiasReadLimits? limits = null)
    {
        limits ??= BiasReadLimits.Default;
        if (!File.Exists(path)) throw new BulwarkInputException($"data file '{path}' does not exist");
        var length = new FileInfo(path).Length;
        if (length > limits.MaxFileBytes) throw new BulwarkInputException($"data file '{path}' is {length:N0} bytes, over the limit of {limits.MaxFileBytes:N0}");
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".jsonl" or ".ndjson" or ".json" ? ReadJsonl(reader, columns, limits) : ReadCsv(reader, columns, limits);
    }

    public static BiasCounts ReadCsv(TextReader text, BiasColumns columns, BiasReadLimits? limits = null)
    {
        limits ??= BiasReadLimits.Default;
        var csv = new BiasCsvReader(text, limits);
        var header = csv.ReadRecord(0) ?? throw new BulwarkInputException("the CSV file is empty: it needs a header row");
        int IndexOf(string name) => header.FindIndex(h => string.Equals(h.Trim(), name, StringComparison.Ordinal)) is var i and >= 0
            ? i
            : throw new BulwarkInputException($"column '{name}' is not in the CSV header ({string.Join(", ", header.Take(20))})");
        var sensitive = columns.Sensitive.Select(IndexOf).ToArray();
        var label = IndexOf(columns.Label);
        var prediction = IndexOf(columns.Prediction);
        var counts = new BiasCounts(columns.Sensitive, limits.MaxGroups);
        var values = new string[sensitive.Length];
        for (long row = 1; csv.ReadRecord(row) is { } record; row++)
        {
            if (record.Count == 1 && record[0].Length == 0) continue; // a blank line
            if (record.Count != header.Count) throw new BulwarkInputException($"row {row} has {record.Count} fields, the header has {header.Count}");
            CheckRows(counts, limits);
            var where = $"row {row}";
            for (var i = 0; i < sensitive.Length; i++) values[i] = GroupValue(record[sensitive[i]]);
            counts.Add(values, BinaryOutcome.Parse(record[label], columns.Positive, columns.Label, where), BinaryOutcome.Parse(record[prediction], columns.Positive, columns.Prediction, where));
        }
        return counts;
    }

    public static BiasCounts ReadJsonl(TextReader text, BiasColumns columns, BiasReadLimits? limits = null)
    {
        limits ??= BiasReadLimits.Default;
        var counts = new BiasCounts(columns.Sensitive, limits.MaxGroups);
        var values = new string[columns.Sensitive.Count];
        var buffer = new StringBuilder();
        for (long line = 1; ReadLine(text, buffer, limits, line); line++)
        {
            if (string.IsNullOrWhiteSpace(buffer.ToString())) continue;
            CheckRows(counts, limits);
            var where = $"line {line}";
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(buffer.ToString(), new JsonDocumentOptions { MaxDepth = 16 });
            }
            catch (JsonException e)
            {
                throw new BulwarkInputException($"{where}: not valid JSON ({e.Message})", e);
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object) throw new BulwarkInputException($"{where}: expected a JSON object");
                for (var i = 0; i < values.Length; i++) values[i] = GroupValue(Field(document.RootElement, columns.Sensitive[i], where));
                var label = Field(document.RootElement, columns.Label, where) ?? throw new BulwarkInputException($"{where}: field '{columns.Label}' is missing");
                var prediction = Field(document.RootElement, columns.Prediction, where) ?? throw new BulwarkInputException($"{where}: field '{columns.Prediction}' is missing");
                counts.Add(values, BinaryOutcome.Parse(label, columns.Positive, columns.Label, where), BinaryOutcome.Parse(prediction, columns.Positive, columns.Prediction, where));
            }
        }
        if (counts.Rows == 0) throw new BulwarkInputException("the JSONL file has no records");
        return counts;
    }

    private static void CheckRows(BiasCounts counts, BiasReadLimits limits)
    {
        if (counts.Rows >= limits.MaxRows) throw new BulwarkInputException($"more than {limits.MaxRows:N0} rows; raise the limit with --max-rows");
    }

    private static string GroupValue(string? raw) => string.IsNullOrWhiteSpace(raw) ? BiasCounts.MissingGroup : raw.Trim();

    /// <summary>A top-level field as text: strings as they are, numbers and booleans as written, null or absent as null.</summary>
    private static string? Field(JsonElement root, string name, string where)
    {
        if (!root.TryGetProperty(name, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => null,
            _ => throw new BulwarkInputException($"{where}: field '{name}' is an object or array, not a value"),
        };
    }

    /// <summary>ReadLine with a length bound: one giant line must not take all memory.</summary>
    private static bool ReadLine(TextReader text, StringBuilder buffer, BiasReadLimits limits, long line)
    {
        buffer.Clear();
        var c = text.Read();
        if (c < 0) return false;
        while (c >= 0 && c != '\n')
        {
            if (c != '\r')
            {
                if (buffer.Length >= limits.MaxFieldChars) throw new BulwarkInputException($"line {line} is longer than {limits.MaxFieldChars} characters");
                buffer.Append((char)c);
            }
            c = text.Read();
        }
        return true;
    }
}
