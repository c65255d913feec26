using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.Kernel;
using Parquet;
using Parquet.Schema;

namespace Bulwark.Governance.Drift;

/// <summary>Bounds on what <see cref="TabularReader"/> reads.</summary>
public sealed record TabularReadOptions
{
    /// <summary>Rows read per file; the rest is skipped and the table marked truncated. Default 1,000,000.</summary>
    public int MaxRows { get; init; } = 1_000_000;

    /// <summary>Largest file accepted. Default 2 GiB.</summary>
    public long MaxFileBytes { get; init; } = 2L << 30;

    /// <summary>Longest CSV field or JSONL line, in characters. Default 1,000,000.</summary>
    public int MaxCellChars { get; init; } = 1_000_000;
}

/// <summary>
/// Reads a CSV (RFC 4180, header row), JSONL (one object a line, top-level scalar fields) or Parquet file (by
/// extension) into a <see cref="TabularData"/>, bounded by <see cref="TabularReadOptions"/>. Bad input is a
/// <see cref="BulwarkInputException"/>.
/// </summary>
public static class TabularReader
{
    public static TabularData Read(string path, TabularReadOptions? options = null)
    {
        options ??= new TabularReadOptions();
        if (options.MaxRows < 1) throw new BulwarkInputException("the row limit must be at least 1");
        if (!File.Exists(path)) throw new BulwarkInputException($"'{path}' does not exist");
        var length = new FileInfo(path).Length;
        if (length > options.MaxFileBytes) throw new BulwarkInputException($"'{path}' is {length:N0} bytes, over the {options.MaxFileBytes:N0}-byte limit");
        var extension = Path.GetExtension(path).ToLowerInvariant();
        try
        {
            using var stream = File.OpenRead(path);
            return extension switch
            {
                ".csv" => CsvTableReader.Read(new StreamReader(stream, Encoding.UTF8), options, path),
                ".jsonl" or ".ndjson" => ReadJsonLines(new StreamReader(stream, Encoding.UTF8), options, path),
                ".parquet" => ReadParquet(stream, options),
                _ => throw new BulwarkInputException($"'{path}': unknown format '{extension}' (expected .csv, .jsonl, .ndjson or .parquet)"),
            };
        }
        catch (Exception e) when (e is IOException and not FileNotFoundException || e is UnauthorizedAccessException || e is InvalidDataException || e is NotSupportedException || IsParquetError(e))
        {
            throw new BulwarkInputException($"'{path}' cannot be read: {e.Message}", e);
        }
    }

    public static TabularData ReadCsv(TextReader reader, TabularReadOptions? options = null) => CsvTableReader.Read(reader, options ?? new TabularReadOptions(), "csv");

    public static TabularData ReadJsonLines(TextReader reader, TabularReadOptions? options = null) => ReadJsonLines(reader, options ?? new TabularReadOptions(), "jsonl");

    private static bool IsParquetError(Exception e) => e.GetType().Namespace?.StartsWith("Parquet", StringComparison.Ordinal) == true;

    private static TabularData ReadJsonLines(TextReader reader, TabularReadOptions options, string source)
    {
        var table = new TabularData();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (table.Rows >= options.MaxRows)
            {
                table.Truncated = true;
                break;
            }
            if (line.Length > options.MaxCellChars) throw new BulwarkInputException($"{source}: line {lineNumber} is longer than {options.MaxCellChars:N0} characters");
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException e)
            {
                throw new BulwarkInputException($"{source}: line {lineNumber} is not JSON: {e.Message}", e);
            }
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object) throw new BulwarkInputException($"{source}: line {lineNumber} is not a JSON object");
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    // Nested objects and arrays are not columns; a key repeated in one object keeps its first value.
                    var cell = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => null,
                    };
                    if (cell is null && property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) continue;
                    var cells = table.AddColumn(property.Name);
                    if (cells.Count == table.Rows) cells.Add(cell);
                }
            }
            table.EndRow();
        }
        return table;
    }

    private static TabularData ReadParquet(Stream stream, TabularReadOptions options)
    {
        // Synchronous like the rest of the command; Parquet.Net's API is asynchronous over the same stream.
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            return ReadParquetGroups(reader, options);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static TabularData ReadParquetGroups(ParquetReader reader, TabularReadOptions options)
    {
        var fields = reader.Schema.GetDataFields().Where(f => !f.IsArray && ParquetColumns.IsSupported(f)).ToArray();
        var table = new TabularData();
        foreach (var field in fields) table.AddColumn(field.Name);
        var rowsRead = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            if (rowsRead >= options.MaxRows)
            {
                table.Truncated = true;
                break;
            }
            using var rows = reader.OpenRowGroupReader(group);
            var count = checked((int)rows.RowCount);
            var take = Math.Min(count, options.MaxRows - rowsRead);
            if (take < count) table.Truncated = true;
            foreach (var field in fields) table.AppendColumnChunk(field.Name, ParquetColumns.Read(rows, field, count).Take(take));
            rowsRead += take;
        }
        table.SetRows(rowsRead);
        return table;
    }
}

/// <summary>Parquet columns as cell text: strings, integers, floating point, decimals and booleans.</summary>
internal static class ParquetColumns
{
    private static readonly Type[] Supported = [typeof(string), typeof(ReadOnlyMemory<char>), typeof(int), typeof(long), typeof(short), typeof(byte), typeof(float), typeof(double), typeof(decimal), typeof(bool)];

    public static bool IsSupported(DataField field) => Supported.Contains(field.ClrType);

    public static string?[] Read(ParquetRowGroupReader rows, DataField field, int count)
    {
        var type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var strings = new string?[count];
            rows.ReadAsync(field, strings.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            return strings;
        }
        if (type == typeof(int)) return Values<int>(rows, field, count);
        if (type == typeof(long)) return Values<long>(rows, field, count);
        if (type == typeof(short)) return Values<short>(rows, field, count);
        if (type == typeof(byte)) return Values<byte>(rows, field, count);
        if (type == typeof(float)) return Values<float>(rows, field, count);
        if (type == typeof(double)) return Values<double>(rows, field, count);
        if (type == typeof(decimal)) return Values<decimal>(rows, field, count);
        return Values<bool>(rows, field, count);
    }

    private static string?[] Values<T>(ParquetRowGroupReader rows, DataField field, int count) where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[count];
            rows.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            return values.Select(v => v is { } x ? Text(x) : null).ToArray();
        }
        var plain = new T[count];
        rows.ReadAsync(field, plain.AsMemory(), null).AsTask().GetAwaiter().GetResult();
        return plain.Select(v => (string?)Text(v)).ToArray();
    }

    private static string Text<T>(T value) where T : struct => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
