using System.IO.Compression;
using System.Text;
using Bulwark.Data.Documents;
using Bulwark.Kernel;
using Bulwark.Samples;
using Bulwark.Scanning;

namespace Bulwark.Tests.Data;

public class DocumentReaderTests
{
    private static ExtractedText Single(byte[] bytes, string name)
    {
        using var stream = new MemoryStream(bytes);
        return Assert.Single(DocumentReader.Read(stream, name, 1_000_000).ToList());
    }

    private static string PlaceOf(ExtractedText text, string needle) => text.PlaceAt(text.Text.IndexOf(needle, StringComparison.Ordinal))!;

    [Fact]
    public void Docx_paragraphs_keep_their_numbers()
    {
        var text = Single(DocumentBuilder.Docx(["Title", "Second paragraph", $"key {TestRules.Token} here"]), "a.docx");
        Assert.Equal("paragraph 3", PlaceOf(text, TestRules.Token));
        Assert.Equal("paragraph 1", PlaceOf(text, "Title"));
    }

    [Fact]
    public void Xlsx_cells_are_named_by_sheet_and_reference()
    {
        var text = Single(DocumentBuilder.Xlsx("Customers", [["name", "token"], ["Ann", TestRules.Token]]), "a.xlsx");
        Assert.Equal("Customers!B2", PlaceOf(text, TestRules.Token));
        Assert.Equal("Customers!A1", PlaceOf(text, "name"));
    }

    [Fact]
    public void Pptx_slides_come_in_number_order()
    {
        var slides = Enumerable.Range(1, 11).Select(i => (IEnumerable<string>)[$"slide text {i}"]).ToList();
        var text = Single(DocumentBuilder.PptxSlidesOnly(slides), "a.pptx");
        Assert.Equal("slide 10, paragraph 1", PlaceOf(text, "slide text 10"));
        Assert.True(text.Text.IndexOf("slide text 2\n", StringComparison.Ordinal) < text.Text.IndexOf("slide text 10", StringComparison.Ordinal));
    }

    [Fact]
    public void Pdf_text_is_read_page_by_page()
    {
        var text = Single(DocumentBuilder.Pdf(["First page, nothing here.", $"Second page holds {TestRules.Token} inside."]), "a.pdf");
        Assert.Contains(TestRules.Token, text.Text, StringComparison.Ordinal);
        Assert.Equal("page 2", PlaceOf(text, TestRules.Token));
    }

    [Fact]
    public void Parquet_is_read_one_row_group_at_a_time_with_global_row_numbers()
    {
        var names = Enumerable.Range(1, 10).Select(i => $"name-{i}").ToArray();
        var notes = Enumerable.Range(1, 10).Select(i => i == 7 ? TestRules.Token : $"note {i}").ToArray();
        using var stream = new MemoryStream(DocumentBuilder.Parquet([("name", names), ("notes", notes)], rowGroupSize: 3));
        var parts = DocumentReader.Read(stream, "a.parquet", 1_000_000).ToList();
        Assert.Equal(4, parts.Count);
        var part = parts.Single(p => p.Text.Contains(TestRules.Token, StringComparison.Ordinal));
        Assert.Equal("row 7, column notes", PlaceOf(part, TestRules.Token));
    }

    [Fact]
    public void Scan_reports_places_inside_documents_and_notes_broken_ones()
    {
        using var dir = new TempDirectory();
        dir.WriteBytes("contract.docx", DocumentBuilder.Docx(["Intro", $"token {TestRules.Token}"]));
        dir.WriteBytes("broken.docx", Encoding.UTF8.GetBytes("this is not a zip file at all"));
        dir.WriteBytes("broken.pdf", [0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x34, 0x0A, 0xFF, 0x00]);
        dir.WriteBytes("broken.parquet", Encoding.UTF8.GetBytes("PAR1 nothing PAR1"));
        dir.Write("people.csv", $"name,token\nAnn,\"{TestRules.Token}\"\n");
        dir.Write("config.json", $"{{\"services\": [{{\"name\": \"a\"}}, {{\"name\": \"b\", \"token\": \"{TestRules.Token}\"}}]}}");

        var result = new Scanner(TestRules.Catalog(), new ScanOptions { Roots = [dir.Path] }).Run();
        Assert.Equal("paragraph 2", result.Findings.Single(f => f.Location.Path.EndsWith("contract.docx", StringComparison.Ordinal)).Location.Place);
        Assert.Equal("row 1, column token", result.Findings.Single(f => f.Location.Path.EndsWith("people.csv", StringComparison.Ordinal)).Location.Place);
        Assert.Equal("$.services[1].token", result.Findings.Single(f => f.Location.Path.EndsWith("config.json", StringComparison.Ordinal)).Location.Place);
        Assert.Equal(3, result.Notes.Count(n => n.Kind == ScanNoteKind.MalformedDocument));
    }

    [Fact]
    public void A_zip_that_expands_too_far_is_refused()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 100; i++) entry.Write(zeros);
        }
        output.Position = 0;
        var error = Assert.Throws<InvalidDataException>(() => DocumentReader.Read(output, "bomb.docx", 1_000_000).ToList());
        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\": 1, \"b\": [true, {\"c\": \"x\"}]}", "\"x\"", "$.b[1].c")]
    [InlineData("[{\"k\": \"v\"}, {\"k\": \"w\"}]", "\"w\"", "$[1].k")]
    [InlineData("{\"a\": {\"b\": 42}}", "42", "$.a.b")]
    [InlineData("{\"x\":1}\n{\"y\": \"z\"}", "\"z\"", "$.y")]
    [InlineData("{\"q\\\"k\": \"v\"}", "\"v\"", "$.q\\\"k")]
    public void Json_values_are_named_by_path(string json, string needle, string expected) =>
        Assert.Equal(expected, TextPlaces.Json(json).PlaceAt(json.IndexOf(needle, StringComparison.Ordinal)));

    [Fact]
    public void Csv_cells_with_quotes_and_line_breaks_are_named_by_row_and_column()
    {
        const string csv = "id,notes,email\n1,\"multi\nline, with comma\",a@example.com\n2,plain,b@example.com\n";
        var places = TextPlaces.Table(csv, ',');
        Assert.Equal("row 1, column email", places.PlaceAt(csv.IndexOf("a@example", StringComparison.Ordinal)));
        Assert.Equal("row 2, column email", places.PlaceAt(csv.IndexOf("b@example", StringComparison.Ordinal)));
        Assert.Equal("row 1, column notes", places.PlaceAt(csv.IndexOf("line, with", StringComparison.Ordinal)));
    }

    [Fact]
    public void Malformed_json_and_csv_give_places_or_none_never_an_error()
    {
        var random = new Random(9);
        const string alphabet = "{}[]\",:\\ \nabc0-tfn";
        for (var round = 0; round < 2000; round++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 200)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var json = TextPlaces.Json(text);
            var table = TextPlaces.Table(text, ',');
            for (var i = 0; i < text.Length; i += 7)
            {
                _ = json.PlaceAt(i);
                _ = table.PlaceAt(i);
            }
        }
        // Nesting deeper than the bound stops the walk instead of growing paths without end.
        Assert.InRange(TextPlaces.Json(new string('[', 10_000)).PlaceCount, 1, TextPlaces.MaxDepth + 1);
    }
}
