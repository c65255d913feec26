using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using Parquet;
using Parquet.Schema;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Bulwark.Samples;

/// <summary>
/// Small, valid documents written from scratch: the sample app's files and the tests' fixtures. Zip entries carry a
/// fixed timestamp so the same content gives the same bytes.
/// </summary>
public static class DocumentBuilder
{
    private static readonly DateTimeOffset Stamp = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] Docx(IEnumerable<string> paragraphs)
    {
        var body = string.Concat(paragraphs.Select(p => $"<w:p><w:r><w:t xml:space=\"preserve\">{X(p)}</w:t></w:r></w:p>"));
        return Zip(new()
        {
            ["[Content_Types].xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""",
            ["_rels/.rels"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""",
            ["word/document.xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>""",
        });
    }

    /// <summary>One sheet of inline-string cells; <paramref name="rows"/>[0] is the header row.</summary>
    public static byte[] Xlsx(string sheet, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var data = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            data.Append(CultureInfo.InvariantCulture, $"<row r=\"{r + 1}\">");
            for (var c = 0; c < rows[r].Count; c++) data.Append(CultureInfo.InvariantCulture, $"<c r=\"{(char)('A' + c)}{r + 1}\" t=\"inlineStr\"><is><t>{X(rows[r][c])}</t></is></c>");
            data.Append("</row>");
        }
        return Zip(new()
        {
            ["[Content_Types].xml"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>""",
            ["_rels/.rels"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
            ["xl/workbook.xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{X(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>""",
            ["xl/_rels/workbook.xml.rels"] = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>""",
            ["xl/worksheets/sheet1.xml"] = $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>""",
        });
    }

    /// <summary>Slides' text only (no masters or layouts): enough for readers of slide text, not for PowerPoint.</summary>
    public static byte[] PptxSlidesOnly(IReadOnlyList<IEnumerable<string>> slides) =>
        Zip(slides.Select((paragraphs, i) => (Name: $"ppt/slides/slide{i + 1}.xml", Xml:
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><p:sld xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><p:cSld><p:spTree><p:sp><p:txBody>"
            + string.Concat(paragraphs.Select(p => $"<a:p><a:r><a:t>{X(p)}</a:t></a:r></a:p>")) + "</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"))
            .ToDictionary(p => p.Name, p => p.Xml));

    /// <summary>One page per string, in Helvetica, wrapped at 90 characters a line.</summary>
    public static byte[] Pdf(IEnumerable<string> pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var text in pages)
        {
            var page = builder.AddPage(PageSize.A4);
            var y = 780.0;
            foreach (var line in Wrap(text, 90))
            {
                page.AddText(line, 10, new PdfPoint(40, y), font);
                y -= 14;
            }
        }
        return builder.Build();
    }

    /// <summary>Text columns, written in row groups of <paramref name="rowGroupSize"/> rows.</summary>
    public static byte[] Parquet(IReadOnlyList<(string Column, string[] Values)> columns, int rowGroupSize)
    {
        var fields = columns.Select(c => new DataField<string>(c.Column)).ToArray();
        using var output = new MemoryStream();
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), output).GetAwaiter().GetResult();
        var rows = columns[0].Values.Length;
        for (var start = 0; start < rows; start += rowGroupSize)
        {
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < columns.Count; c++)
                group.WriteAsync(fields[c], columns[c].Values.Skip(start).Take(rowGroupSize).ToArray(), null).GetAwaiter().GetResult();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return output.ToArray();
    }

    private static byte[] Zip(Dictionary<string, string> entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = Stamp;
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }
        return output.ToArray();
    }

    private static string X(string text) => SecurityElement.Escape(text);

    private static IEnumerable<string> Wrap(string text, int width)
    {
        foreach (var paragraph in text.Split('\n'))
        {
            var line = new StringBuilder();
            foreach (var word in paragraph.Split(' '))
            {
                if (line.Length > 0 && line.Length + word.Length + 1 > width) { yield return line.ToString(); line.Clear(); }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            yield return line.ToString();
        }
    }
}
