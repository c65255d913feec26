using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Bulwark.Gateway.Tests;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4), as a scraper reads it: any line it does not
/// understand, a sample before its family's TYPE, or a histogram whose buckets do not add up fails the test.
/// </summary>
internal sealed partial class PrometheusScrape
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Helps { get; } = new(StringComparer.Ordinal);
    public List<Sample> Samples { get; } = [];

    public static PrometheusScrape Parse(string text)
    {
        var scrape = new PrometheusScrape();
        foreach (var (line, number) in text.Split('\n').Select((l, i) => (l, i + 1)))
        {
            if (line.Length == 0) continue;
            var at = $"line {number}: '{line}'";
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ', 2);
                Assert.True(MetricName().IsMatch(parts[0]), $"bad metric name, {at}");
                if (line[2] == 'H')
                {
                    Assert.True(scrape.Helps.TryAdd(parts[0], parts.Length > 1 ? parts[1] : ""), $"second HELP, {at}");
                }
                else
                {
                    Assert.Contains(parts[1], (string[])["counter", "gauge", "histogram", "summary", "untyped"]);
                    Assert.True(scrape.Types.TryAdd(parts[0], parts[1]), $"second TYPE, {at}");
                    Assert.DoesNotContain(scrape.Samples, s => FamilyOf(s.Name, scrape.Types) == parts[0]);
                }
                continue;
            }
            if (line[0] == '#') continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a sample, {at}");
            var name = match.Groups["name"].Value;
            Assert.True(FamilyOf(name, scrape.Types) is not null, $"sample without a TYPE before it, {at}");
            scrape.Samples.Add(new Sample(name, Labels(match.Groups["labels"].Value, at), Number(match.Groups["value"].Value, at)));
        }
        scrape.CheckHistograms();
        return scrape;
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every label given (and any others).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Matching(name, labels).Sum(s => s.Value);

    public IEnumerable<Sample> Matching(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    private void CheckHistograms()
    {
        foreach (var family in Types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            foreach (var series in Samples.Where(s => s.Name == family + "_bucket").GroupBy(s => Key(s.Labels.Where(l => l.Key != "le"))))
            {
                var buckets = series.Select(s => (Le: Number(s.Labels["le"], "le"), s.Value)).ToList();
                Assert.Equal(buckets.OrderBy(b => b.Le).ToList(), buckets);
                for (var i = 1; i < buckets.Count; i++) Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family}: buckets are not cumulative");
                Assert.Equal(double.PositiveInfinity, buckets[^1].Le);
                var count = Samples.Single(s => s.Name == family + "_count" && Key(s.Labels) == series.Key);
                Assert.Equal(buckets[^1].Value, count.Value);
                Assert.Single(Samples, s => s.Name == family + "_sum" && Key(s.Labels) == series.Key);
            }
        }
    }

    private static string? FamilyOf(string sample, Dictionary<string, string> types)
    {
        if (types.ContainsKey(sample)) return sample;
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(sample[..^suffix.Length], out var type) && type is "histogram" or "summary") return sample[..^suffix.Length];
        }
        return null;
    }

    private static string Key(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(',', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary><c>a="x",b="y \"quoted\""</c>, with the format's three escapes.</summary>
    private static Dictionary<string, string> Labels(string text, string at)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var equals = text.IndexOf('=', i);
            Assert.True(equals > i, $"bad label, {at}");
            var name = text[i..equals];
            Assert.True(LabelName().IsMatch(name), $"bad label name '{name}', {at}");
            Assert.True(equals + 1 < text.Length && text[equals + 1] == '"', $"unquoted label value, {at}");
            var value = new StringBuilder();
            i = equals + 2;
            for (; i < text.Length && text[i] != '"'; i++)
            {
                if (text[i] != '\\') { value.Append(text[i]); continue; }
                i++;
                Assert.True(i < text.Length, $"dangling escape, {at}");
                value.Append(text[i] switch { 'n' => '\n', '\\' => '\\', '"' => '"', var other => throw new Xunit.Sdk.XunitException($"bad escape \\{other}, {at}") });
            }
            Assert.True(i < text.Length, $"unterminated label value, {at}");
            Assert.True(labels.TryAdd(name, value.ToString()), $"label '{name}' twice, {at}");
            i++;
            if (i < text.Length)
            {
                Assert.True(text[i] == ',', $"expected ',' between labels, {at}");
                i++;
            }
        }
        return labels;
    }

    private static double Number(string text, string at) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw new Xunit.Sdk.XunitException($"bad number '{text}', {at}"),
    };

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();
}
