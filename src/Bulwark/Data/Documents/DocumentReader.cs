namespace Bulwark.Data.Documents;

/// <summary>
/// Binary document formats whose text the detectors read after extraction: Office Open XML, PDF, Parquet. Text formats
/// (plain text, Markdown, CSV, JSON, YAML, XML, HTML, code, logs) are streamed as text instead.
/// </summary>
public static class DocumentReader
{
    public static bool Handles(string path) => Path.GetExtension(path).ToLowerInvariant() is ".docx" or ".xlsx" or ".pptx" or ".pdf" or ".parquet";

    /// <summary>The document's text in parts (one for most formats, one per row group for Parquet), at most <paramref name="maxChars"/> in all.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable document of its kind (the caller notes it).</exception>
    public static IEnumerable<ExtractedText> Read(Stream stream, string path, long maxChars, CancellationToken cancellationToken = default)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension switch
        {
            ".docx" or ".xlsx" or ".pptx" => [OfficeDocumentReader.Read(stream, extension, maxChars, stream.Length)],
            ".pdf" => [PdfTextReader.Read(stream, maxChars, cancellationToken)],
            ".parquet" => ParquetTextReader.Read(stream, maxChars, cancellationToken),
            _ => throw new ArgumentException($"no document reader for '{extension}'", nameof(path)),
        };
    }
}
