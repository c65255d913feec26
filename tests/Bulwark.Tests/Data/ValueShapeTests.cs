using Bulwark.Data.Pii;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Data;

public class ValueShapeTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.Load();

    [Fact]
    public void Every_value_shape_applies_to_the_pattern_of_an_embedded_rule()
    {
        // A shape is written for one exact pattern: editing the pattern switches its shape off until the shape is
        // checked against the new pattern and its hash updated (ValueShape.Sha256 of the pattern).
        foreach (var shape in ValueShape.Shapes)
        {
            var rule = Catalog.Rules.SingleOrDefault(r => r.Id == shape.RuleId);
            Assert.True(rule is not null, $"{shape.RuleId}: no such rule");
            Assert.True(ValueShape.For(rule.Id, rule.Pattern) is not null, $"{shape.RuleId}: pattern changed, its SHA-256 is now {ValueShape.Sha256(rule.Pattern)}");
        }
    }

    [Theory]
    [InlineData("BW-DATA-PII-IPV6", "addr fe80::1 up", true)]
    [InlineData("BW-DATA-PII-IPV6", "hash 9b74c9897bac770ffc029102a200c5de ok", false)]
    [InlineData("BW-DATA-PII-IPV4", "host 10.0.4.17 slow", true)]
    [InlineData("BW-DATA-PII-IPV4", "took 341 ms", false)]
    [InlineData("BW-DATA-PII-CRYPTO-ETH", "to 0x52908400098527886E0F7030069857D2E4169EE7 now", true)]
    [InlineData("BW-DATA-PII-CRYPTO-ETH", "sha 5f4dcc3b5aa765d61d8327deb882cf99", false)]
    public void A_shape_keeps_values_of_its_kind_and_drops_other_digit_runs(string ruleId, string text, bool mayMatch)
    {
        var rule = Catalog.Rules.Single(r => r.Id == ruleId);
        var shape = ValueShape.For(rule.Id, rule.Pattern)!;
        var digit = text.AsSpan().IndexOfAnyInRange('0', '9');
        var end = digit;
        while (end < text.Length && char.IsAsciiLetterOrDigit(text[end]) || (end < text.Length && text[end] is ':' or '.')) end++;
        Assert.Equal(mayMatch, shape.MayMatch(text, digit, end, 0, text.Length));
    }
}

public class ContextIndexTests
{
    [Fact]
    public void The_index_answers_as_the_plain_context_search_does()
    {
        var random = new Random(7);
        string[] pieces = ["phone", "Phone", "PHONES", "iphone", " ", " ", "\n", "tel", "hotel", "12345", "call", "recall", "x", "ab", "ſ", "K", "K", "-", "number", "TEXT ME", "İ", "ß", "é"];
        // Two rules with overlapping word lists share one vocabulary, as the rules of a recogniser do.
        string[][] rules = [["phone", "tel", "call", "number", "text me"], ["tel", "SIN", "kelvin", "élan", "pho"]];
        var vocabulary = new ContextVocabulary(rules);
        var sets = rules.Select(vocabulary.WordsOf).ToArray();
        for (var round = 0; round < 400; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 120)).Select(_ => pieces[random.Next(pieces.Length)]));
            var index = vocabulary.Index(text);
            for (var query = 0; query < 40; query++)
            {
                var position = random.Next(text.Length);
                var end = Math.Min(text.Length, position + random.Next(1, 12));
                var within = random.Next(0, 80);
                var rule = random.Next(rules.Length);
                Assert.Equal(ContextWords.Near(text, position, end, rules[rule], within), index.Near(position, end, within, sets[rule]));
            }
        }
    }
}
