using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Governance.Assessment;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Governance.Assessment;

/// <summary>
/// `bulwark gov assess` on the sample project, end to end: the HTML renders in a real browser with its radar chart and
/// five pillars, and the JSON traces every score to checks and every check to findings, answers or settings that exist.
/// </summary>
public sealed partial class AssessmentReportTests
{
    private const string Sample = "samples/insecure-genai-app";
    private static readonly string[] Pillars = ["data", "model", "usage", "infrastructure", "governance"];

    [ChromiumFact]
    public void The_html_report_renders_in_headless_chromium_with_the_radar_chart_and_the_five_pillars()
    {
        using var dir = new TempDirectory();
        var html = dir.Combine("posture.html");
        BulwarkProcess.Run("gov", "assess", Sample, "--format", "html", "--output", html).Expect(0);

        // The DOM after Chromium parsed and laid it out: one radar with five axes and a five-point score polygon,
        // a card and a section per pillar, and a bar per framework.
        var dom = HeadlessChromium.DumpDom(html);
        Assert.Contains("<svg id=\"radar\"", dom, StringComparison.Ordinal);
        var polygon = ScorePolygon().Match(dom);
        Assert.True(polygon.Success, "the radar has a score polygon");
        Assert.Equal(5, polygon.Groups["points"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (var pillar in Pillars)
        {
            Assert.Contains($"<section class=\"pillar\" id=\"pillar-{pillar}\"", dom, StringComparison.Ordinal);
            Assert.Contains($"data-pillar=\"{pillar}\" href=\"#pillar-{pillar}\"", dom, StringComparison.Ordinal);
            Assert.Matches($">{char.ToUpperInvariant(pillar[0])}{pillar[1..]}</text>", dom);
        }
        Assert.Contains("<svg id=\"framework-bars\"", dom, StringComparison.Ordinal);

        // The screenshot: the polygon's stroke colour is painted, inside the chart's area (top left of the page), and
        // the framework bars show both their colours.
        var png = dir.Combine("posture.png");
        HeadlessChromium.Screenshot(html, png, 1280, 1400);
        var image = PngImage.Read(png);
        Assert.Equal((1280, 1400), (image.Width, image.Height));
        var stroke = Convert.FromHexString(RadarChart.StrokeColour[1..]);
        var strokePixels = Pixels(image, (stroke[0], stroke[1], stroke[2]));
        Assert.True(strokePixels.Count > 300, $"the radar polygon is drawn ({strokePixels.Count} pixels of its colour)");
        Assert.All(strokePixels, p => Assert.True(p.X < 700 && p.Y < 700, $"radar pixel at {p} lies outside the chart's area"));
        Assert.True(Pixels(image, (0xf5, 0x9e, 0x0b)).Count > 1000, "the framework bars show gaps (amber)");
        Assert.True(Pixels(image, (0xd1, 0xd5, 0xdb)).Count > 1000, "the framework bars show controls not assessed (grey)");
    }

    [Fact]
    public void The_json_traces_every_score_to_checks_and_every_check_to_evidence_that_exists()
    {
        var assessed = BulwarkProcess.Run("gov", "assess", Sample, "--format", "json").Expect(0);
        var scan = BulwarkProcess.Run("scan", Sample, "--format", "json", "--no-progress").Expect(1);
        using var report = JsonDocument.Parse(assessed.Stdout);
        using var scanReport = JsonDocument.Parse(scan.Stdout);
        var fingerprints = scanReport.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("fingerprint").GetString()).ToHashSet();
        var questionnaire = File.ReadAllLines(Path.Combine(Bulwark.Eval.RepositoryPaths.Root, Sample, "ai-questionnaire.yaml"));
        var root = report.RootElement;
        var checks = root.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);

        Assert.Equal(Pillars, root.GetProperty("pillars").EnumerateArray().Select(p => p.GetProperty("pillar").GetString()));
        foreach (var pillar in root.GetProperty("pillars").EnumerateArray())
        {
            var ids = pillar.GetProperty("checks").EnumerateArray().Select(c => c.GetString()!).ToList();
            Assert.NotEmpty(ids);
            // The score is what its checks add up to: 100 × Σ weight × credit / Σ weight over the counted checks.
            var counted = ids.Select(id => checks[id]).Where(c => c.GetProperty("outcome").GetString() != "n/a").ToList();
            var possible = counted.Sum(c => c.GetProperty("weight").GetDouble());
            var earned = counted.Sum(c => c.GetProperty("weight").GetDouble() * c.GetProperty("credit").GetDouble());
            Assert.Equal(Math.Round(100 * earned / possible, 1), pillar.GetProperty("score").GetDouble(), 1);
        }
        Assert.Equal(Math.Round(root.GetProperty("pillars").EnumerateArray().Average(p => p.GetProperty("score").GetDouble()), 1), root.GetProperty("overall").GetDouble(), 1);

        foreach (var (id, check) in checks)
        {
            var evidence = check.GetProperty("evidence").EnumerateArray().ToList();
            Assert.True(evidence.Count > 0, $"{id} has no evidence");
            foreach (var e in evidence)
            {
                switch (e.GetProperty("kind").GetString())
                {
                    case "finding":
                        Assert.Contains(e.GetProperty("fingerprint").GetString(), fingerprints);
                        break;
                    case "answer" when e.TryGetProperty("line", out var line):
                        Assert.StartsWith($"  {id}:", questionnaire[line.GetInt32() - 1], StringComparison.Ordinal);
                        break;
                    case "answer":
                        Assert.Equal("not answered", e.GetProperty("detail").GetString());
                        break;
                    case "gateway" or "inventory" or "scan":
                        Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("detail").GetString()));
                        break;
                    default:
                        Assert.Fail($"{id}: unknown evidence kind");
                        break;
                }
            }
        }
        // The sample is insecure on purpose: its planted secrets fail the data pillar, and the remediation list leads
        // with what wins back the most.
        Assert.Equal("fail", checks["DATA-SECRETS"].GetProperty("outcome").GetString());
        var gains = root.GetProperty("remediation").EnumerateArray().Select(r => r.GetProperty("gain").GetDouble()).ToList();
        Assert.Equal(gains.OrderByDescending(g => g), gains);
    }

    [Fact]
    public void The_documentation_lists_every_check_and_states_the_sample_scores_as_measured()
    {
        var docs = File.ReadAllText(Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "docs", "governance-assess.md"));
        var definitions = AssessmentChecks.Embedded;
        foreach (var id in definitions.Scan.Select(c => c.Check.Id).Concat(definitions.Gateway.Select(c => c.Check.Id)).Concat(definitions.Inventory.Select(c => c.Check.Id)).Concat(definitions.Questions.Select(q => q.Check.Id)))
            Assert.Contains($"`{id}`", docs, StringComparison.Ordinal);

        using var report = JsonDocument.Parse(BulwarkProcess.Run("gov", "assess", Sample, "--format", "json").Expect(0).Stdout);
        var root = report.RootElement;
        var scores = string.Join(", ", root.GetProperty("pillars").EnumerateArray().Select(p => $"{p.GetProperty("pillar").GetString()} {p.GetProperty("score").GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
        var stated = $"It scores {root.GetProperty("overall").GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture)} overall ({scores}) with {root.GetProperty("remediation").GetArrayLength()} remediation items";
        Assert.Contains(stated, docs.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    private static List<(int X, int Y)> Pixels(PngImage image, (byte R, byte G, byte B) colour)
    {
        var found = new List<(int, int)>();
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (image[x, y] == colour) found.Add((x, y));
        return found;
    }

    [GeneratedRegex("<polygon class=\"scores\" points=\"(?<points>[^\"]+)\"")]
    private static partial Regex ScorePolygon();
}
