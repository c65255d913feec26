using Parquet;
using Parquet.Schema;

namespace Bulwark.Data.Documents;

/// <summary>
/// Parquet, column by column, one row group at a time (a row group is the unit Parquet streams): text and integer
/// columns become cells with places <c>row 12, column email</c>. Other types cannot hold the text detectors look for.
/// </summary>
internal static class ParquetTextReader
{
    public static IEnumerable<ExtractedText> Read(Stream stream, long maxChars, CancellationToken cancellationToken)
    {
        // The scan is synchronous (one worker per file); Parquet.Net's API is asynchronous over the same stream.
        var reader = ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).GetAwaiter().GetResult();
        try
        {
            foreach (var part in ReadGroups(reader, maxChars, cancellationToken)) yield return part;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static IEnumerable<ExtractedText> ReadGroups(ParquetReader reader, long maxChars, CancellationToken cancellationToken)
    {
        var fields = reader.Schema.GetDataFields().Where(f => !f.IsArray && (IsText(f) || f.ClrType == typeof(long) || f.ClrType == typeof(int))).ToArray();
        long firstRow = 1, budget = maxChars;
        for (var group = 0; group < reader.RowGroupCount && budget > 0; group++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var rows = reader.OpenRowGroupReader(group);
            var count = checked((int)rows.RowCount);
            var text = new ExtractedText.Builder(budget);
            foreach (var field in fields)
            {
                var cells = ReadColumn(rows, field, count, cancellationToken);
                for (var i = 0; i < cells.Length && !text.Full; i++)
                {
                    if (!string.IsNullOrEmpty(cells[i])) text.Add($"row {firstRow + i}, column {field.Name}", cells[i]!);
                }
            }
            var part = text.Build();
            budget -= part.Text.Length;
            firstRow += count;
            yield return part;
        }
    }

    private static string?[] ReadColumn(ParquetRowGroupReader rows, DataField field, int count, CancellationToken cancellationToken)
    {
        if (IsText(field))
        {
            var strings = new string?[count];
            rows.ReadAsync(field, strings.AsMemory(), null, cancellationToken).AsTask().GetAwaiter().GetResult();
            return strings;
        }
        if (field.ClrType == typeof(long)) return Numbers<long>(rows, field, count, cancellationToken);
        return Numbers<int>(rows, field, count, cancellationToken);
    }

    // Parquet.Net 6 types text columns as ReadOnlyMemory<char>; they read into strings all the same.
    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private static string?[] Numbers<T>(ParquetRowGroupReader rows, DataField field, int count, CancellationToken cancellationToken) where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[count];
            rows.ReadAsync(field, values.AsMemory(), null, cancellationToken).AsTask().GetAwaiter().GetResult();
            return values.Select(v => v?.ToString()).ToArray();
        }
        var plain = new T[count];
        rows.ReadAsync(field, plain.AsMemory(), null, cancellationToken).AsTask().GetAwaiter().GetResult();
        return plain.Select(v => (string?)v.ToString()).ToArray();
    }
}
