using System.IO.Compression;
using System.Text;
using System.Xml;
using Bulwark.Kernel;

namespace Bulwark.Data.Documents;

/// <summary>
/// Text of Office Open XML files (.docx paragraphs, .xlsx cells, .pptx slides), read from the zip with bounds against
/// zip bombs (entry count, expanded size, expansion ratio) and XML without DTDs. Places: <c>paragraph 12</c>,
/// <c>Sheet1!C12</c>, <c>slide 3</c>.
/// </summary>
internal static class OfficeDocumentReader
{
    public const int MaxEntries = 10_000;
    public const int MaxExpansionRatio = 200;

    private const string Word = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string Sheet = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Drawing = "http://schemas.openxmlformats.org/drawingml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    public static ExtractedText Read(Stream stream, string extension, long maxChars, long compressedLength)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.Entries.Count > MaxEntries) throw new InvalidDataException($"{zip.Entries.Count} zip entries, over the {MaxEntries} limit");
        var expanded = zip.Entries.Sum(e => e.Length);
        if (expanded > Math.Max(1, compressedLength) * MaxExpansionRatio && expanded > 64L * 1024 * 1024)
            throw new InvalidDataException($"expands to {expanded:N0} bytes from {compressedLength:N0}: refused as a possible zip bomb");
        var text = new ExtractedText.Builder(maxChars);
        switch (extension)
        {
            case ".docx":
                foreach (var part in new[] { "word/document.xml", "word/footnotes.xml", "word/comments.xml" })
                {
                    if (zip.GetEntry(part) is { } entry) ReadParagraphs(entry, Word, "p", "t", part == "word/document.xml" ? "paragraph" : Path.GetFileNameWithoutExtension(part) + " paragraph", text);
                }
                break;
            case ".pptx":
                foreach (var (entry, number) in Numbered(zip, "ppt/slides/slide"))
                    ReadParagraphs(entry, Drawing, "p", "t", $"slide {number}, paragraph", text);
                break;
            case ".xlsx":
                ReadWorkbook(zip, text);
                break;
            default:
                throw new ArgumentException($"not an Office Open XML extension: {extension}", nameof(extension));
        }
        return text.Build();
    }

    private static XmlReader Xml(ZipArchiveEntry entry) => XmlReader.Create(entry.Open(), new XmlReaderSettings
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        MaxCharactersInDocument = Math.Max(1024, entry.Length * 2),
    });

    /// <summary>Paragraph elements and the text runs inside them; tabs and breaks keep words apart.</summary>
    private static void ReadParagraphs(ZipArchiveEntry entry, string ns, string paragraph, string run, string placeName, ExtractedText.Builder text)
    {
        using var xml = Xml(entry);
        var current = new StringBuilder();
        var number = 0;
        // ReadElementContentAsString moves past the element itself, so the loop reads on only when it did not.
        while (!xml.EOF && !text.Full)
        {
            if (xml.NamespaceURI == ns && xml.NodeType == XmlNodeType.Element && xml.LocalName == run && !xml.IsEmptyElement)
            {
                current.Append(xml.ReadElementContentAsString());
                continue;
            }
            if (xml.NamespaceURI == ns && xml.NodeType == XmlNodeType.Element && xml.LocalName is "tab") current.Append('\t');
            else if (xml.NamespaceURI == ns && xml.NodeType == XmlNodeType.Element && xml.LocalName is "br" or "cr") current.Append('\n');
            else if (xml.NamespaceURI == ns && xml.NodeType == XmlNodeType.EndElement && xml.LocalName == paragraph)
            {
                number++;
                text.Add($"{placeName} {number}", current.ToString());
                current.Clear();
            }
            xml.Read();
        }
    }

    /// <summary>Sheets in workbook order with their names; cells as shared strings, inline strings or values.</summary>
    private static void ReadWorkbook(ZipArchive zip, ExtractedText.Builder text)
    {
        var shared = new List<string>();
        if (zip.GetEntry("xl/sharedStrings.xml") is { } strings)
        {
            using var xml = Xml(strings);
            var item = new StringBuilder();
            while (!xml.EOF)
            {
                if (xml.NamespaceURI == Sheet && xml.NodeType == XmlNodeType.Element && xml.LocalName == "t" && !xml.IsEmptyElement)
                {
                    item.Append(xml.ReadElementContentAsString());
                    continue;
                }
                if (xml.NamespaceURI == Sheet && xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "si") { shared.Add(item.ToString()); item.Clear(); }
                xml.Read();
            }
        }
        foreach (var (name, path) in Sheets(zip))
        {
            if (zip.GetEntry(path) is not { } entry) continue;
            using var xml = Xml(entry);
            string? reference = null, type = null;
            while (!xml.EOF && !text.Full)
            {
                if (xml.NamespaceURI == Sheet && xml.NodeType == XmlNodeType.Element && xml.LocalName is "v" or "t" && !xml.IsEmptyElement && reference is not null)
                {
                    var value = xml.ReadElementContentAsString();
                    if (type == "s") value = int.TryParse(value, out var index) && index >= 0 && index < shared.Count ? shared[index] : "";
                    text.Add($"{name}!{reference}", value);
                    continue;
                }
                if (xml.NamespaceURI == Sheet && xml.NodeType == XmlNodeType.Element && xml.LocalName == "c") { reference = xml.GetAttribute("r"); type = xml.GetAttribute("t"); }
                xml.Read();
            }
        }
    }

    private static IEnumerable<(string Name, string Path)> Sheets(ZipArchive zip)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (zip.GetEntry("xl/_rels/workbook.xml.rels") is { } rels)
        {
            using var xml = Xml(rels);
            while (xml.Read())
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "Relationship" && xml.GetAttribute("Id") is { } id && xml.GetAttribute("Target") is { } target)
                    targets[id] = target.StartsWith('/') ? target.TrimStart('/') : "xl/" + target;
            }
        }
        if (zip.GetEntry("xl/workbook.xml") is not { } workbook) yield break;
        using var book = Xml(workbook);
        while (book.Read())
        {
            if (book.NodeType == XmlNodeType.Element && book.LocalName == "sheet" && book.NamespaceURI == Sheet
                && book.GetAttribute("name") is { } name && book.GetAttribute("id", Relationships) is { } rid && targets.TryGetValue(rid, out var path))
                yield return (name, path);
        }
    }

    /// <summary>Entries named prefix + number + ".xml", in number order (slide2 before slide10).</summary>
    private static IEnumerable<(ZipArchiveEntry Entry, int Number)> Numbered(ZipArchive zip, string prefix) =>
        zip.Entries
            .Select(e => (Entry: e, Number: e.FullName.StartsWith(prefix, StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal)
                && int.TryParse(e.FullName.AsSpan(prefix.Length, e.FullName.Length - prefix.Length - 4), out var n) ? n : -1))
            .Where(p => p.Number >= 0)
            .OrderBy(p => p.Number);
}
