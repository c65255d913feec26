using Bulwark.Data.Pii;

namespace Bulwark.Tests.Data;

public class ContextIndexTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_index_answers_as_the_plain_context_search_does(bool asciiOnly)
    {
        // ASCII text is indexed at word starts only, other text everywhere: both answer the same.
        var random = new Random(7);
        string[] pieces = ["phone", "Phone", "PHONES", "iphone", " ", " ", "\n", "tel", "hotel", "12345", "call", "recall", "x", "ab", "-", "number", "TEXT ME", "Tel.", "_tel", "xtel"];
        if (!asciiOnly) pieces = [.. pieces, "ſ", "K", "K", "İ", "ß", "é"];
        // Two rules with overlapping word lists share one vocabulary, as the rules of a recogniser do.
        string[][] rules = [["phone", "tel", "call", "number", "text me"], ["tel", "SIN", "kelvin", asciiOnly ? "elan" : "élan", "pho"]];
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
