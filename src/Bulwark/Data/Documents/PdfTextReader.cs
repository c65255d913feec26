using UglyToad.PdfPig;

namespace Bulwark.Data.Documents;

/// <summary>The text of each page of a PDF (PdfPig, no rendering, no scripts); places are <c>page 3</c>.</summary>
internal static class PdfTextReader
{
    public const int MaxPages = 5_000;

    public static ExtractedText Read(Stream stream, long maxChars, CancellationToken cancellationToken)
    {
        using var pdf = PdfDocument.Open(stream, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        if (pdf.NumberOfPages > MaxPages) throw new InvalidDataException($"{pdf.NumberOfPages} pages, over the {MaxPages} limit");
        var text = new ExtractedText.Builder(maxChars);
        for (var number = 1; number <= pdf.NumberOfPages && !text.Full; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = pdf.GetPage(number);
            // Words joined by spaces read better than page.Text, which glues words without explicit space glyphs.
            text.Add($"page {number}", string.Join(' ', page.GetWords().Select(w => w.Text)));
        }
        return text.Build();
    }
}
