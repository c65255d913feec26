using System.Text;
using Bulwark.Data;
using Bulwark.Kernel;

namespace Bulwark.Tests.Text;

public class TextDocumentScannerTests
{
    private static readonly TextDetector Detector = new(TestRules.Catalog().Rules, ScanLimits.Default, TimeProvider.System);

    private static IReadOnlyList<Finding> Scan(byte[] bytes) => Detector.ScanStream(new MemoryStream(bytes), "f", "f").Findings;

    [Theory]
    [InlineData(1 << 20)]            // exactly at the first chunk edge
    [InlineData((1 << 20) - 10)]     // straddling it
    [InlineData((1 << 20) - 18_000)] // inside the margin kept for the next chunk
    [InlineData(3 * (1 << 20) + 7)]  // a later chunk
    public void A_secret_at_any_chunk_boundary_is_found_once_with_its_line(int offset)
    {
        var filler = new StringBuilder();
        var line = 1;
        while (filler.Length < offset)
        {
            filler.Append("lorem ipsum dolor sit amet 0123\n");
            line++;
        }
        filler.Length = offset;
        var linesBefore = filler.ToString().Count(c => c == '\n');
        var lastNewline = filler.ToString().LastIndexOf('\n');
        var text = filler + "token " + TestRules.Token + " end\n" + new string('z', 3000);

        var findings = Scan(Encoding.UTF8.GetBytes(text));

        var finding = Assert.Single(findings);
        Assert.Equal("BW-DATA-SECRET-TESTTOKEN", finding.RuleId);
        Assert.Equal(linesBefore + 1, finding.Location.Line);
        Assert.Equal(offset - lastNewline - 1 + "token ".Length + 1, finding.Location.Column);
        Assert.Equal(offset + "token ".Length, finding.Location.Offset);
        _ = line;
    }

    [Fact]
    public void A_multiline_block_is_found_and_located()
    {
        var text = "a\nb\n-----BEGIN TEST KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n-----END TEST KEY-----\n";
        var finding = Assert.Single(Scan(Encoding.UTF8.GetBytes(text)));
        Assert.Equal("BW-DATA-SECRET-TESTPEM", finding.RuleId);
        Assert.Equal(3, finding.Location.Line);
        Assert.Equal(6, finding.Location.EndLine);
    }

    [Theory]
    [InlineData("utf-16LE-bom")]
    [InlineData("utf-16BE-bom")]
    [InlineData("utf-16LE")]
    [InlineData("utf-32LE-bom")]
    [InlineData("utf-8-bom")]
    public void Utf16_and_utf32_files_are_decoded(string kind)
    {
        var text = "first line\nkey: " + TestRules.Token + "\n";
        byte[] bytes = kind switch
        {
            "utf-16LE-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf-16BE-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            "utf-16LE" => Encoding.Unicode.GetBytes(text),
            "utf-32LE-bom" => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
            _ => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
        };
        var finding = Assert.Single(Scan(bytes));
        Assert.Equal(2, finding.Location.Line);
        Assert.Equal(6, finding.Location.Column);
    }

    [Fact]
    public void Binary_content_is_reported_as_binary_and_not_scanned()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[10] = 0;
        var (findings, outcome) = Detector.ScanStream(new MemoryStream([.. bytes, .. Encoding.UTF8.GetBytes(TestRules.Token)]), "b", "b");
        Assert.True(outcome.IsBinary);
        Assert.Empty(findings);
    }

    [Fact]
    public void Invalid_utf8_is_counted_and_the_rest_still_scanned()
    {
        byte[] bytes = [0xC3, 0x28, 0xFF, (byte)'\n', .. Encoding.UTF8.GetBytes("k=" + TestRules.Token)];
        var (findings, outcome) = Detector.ScanStream(new MemoryStream(bytes), "i", "i");
        Assert.Equal(2, outcome.InvalidSequences);
        Assert.Single(findings);
    }

    [Fact]
    public void Zero_width_and_tag_characters_do_not_hide_a_secret_and_offsets_point_at_the_original()
    {
        var hidden = "tk_\u200Blive_9fQ2xLw7\U000E0041Rb3Nz8Kp1Vd4";
        var text = "é x " + hidden + " y";
        var finding = Assert.Single(Detector.ScanText(text));
        Assert.Equal(4, finding.Location.Offset);
        Assert.Equal(hidden.Length, finding.Location.Length);
    }

    [Fact]
    public void Fullwidth_lookalikes_are_folded_by_NFKC()
    {
        var text = "ｔｋ_live_9fQ2xLw7Rb3Nz8Kp1Vd4";
        Assert.Single(Detector.ScanText(text));
    }

    [Fact]
    public void A_generic_rule_gives_way_to_a_specific_rule_on_the_same_value()
    {
        var findings = Detector.ScanText($"secret = \"{TestRules.Token}\"");
        Assert.Equal("BW-DATA-SECRET-TESTTOKEN", Assert.Single(findings).RuleId);
        Assert.Equal("BW-DATA-SECRET-TESTGENERIC", Assert.Single(Detector.ScanText("secret = \"Zq8Rw2Lx9Pv4Nk7Tb1\"")).RuleId);
    }

    [Fact]
    public void Placeholders_are_not_reported()
    {
        Assert.Empty(Detector.ScanText("secret = \"YOUR_SECRET_EXAMPLE_VALUE\""));
        Assert.Empty(Detector.ScanText("secret = \"aaaaaaaaaaaaaaaaaaaa\""));
    }

    [Fact]
    public void Findings_per_file_are_capped_with_a_flag()
    {
        var detector = new TextDetector(TestRules.Catalog().Rules, ScanLimits.Default with { MaxFindingsPerFile = 5 }, TimeProvider.System);
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => $"tk_live_9fQ2xLw7Rb3Nz8Kp{i:D4}\n"));
        var (findings, outcome) = detector.ScanStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "c", "c");
        Assert.Equal(5, findings.Count);
        Assert.True(outcome.TruncatedFindings);
    }
}
