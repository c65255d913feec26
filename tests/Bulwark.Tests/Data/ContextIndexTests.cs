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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_lookup_answers_as_the_plain_search_before_and_after_it_indexes(bool asciiOnly)
    {
        // The first questions are answered from their neighbourhoods, the later ones from an index of the text.
        var random = new Random(13);
        string[] pieces = ["phone", "Phone", "PHONES", "iphone", " ", " ", "\n", "tel", "hotel", "12345", "call", "recall", "x", "ab", "-", "number", "TEXT ME", "Tel.", "_tel", "xtel", "1-800"];
        if (!asciiOnly) pieces = [.. pieces, "ſ", "K", "K", "İ", "ß", "é"];
        string[][] rules = [["phone", "tel", "call", "number", "text me"], ["tel", "SIN", "kelvin", "pho", "#no", "1-800"]];
        var vocabulary = new ContextVocabulary(rules);
        var sets = rules.Select(vocabulary.WordsOf).ToArray();
        var (direct, indexed) = (0, 0);
        for (var round = 0; round < 400; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 200)).Select(_ => pieces[random.Next(pieces.Length)]));
            var lookup = new ContextLookup(vocabulary, text);
            var read = 0;
            for (var query = 0; query < 30; query++)
            {
                var position = random.Next(text.Length);
                var end = Math.Min(text.Length, position + random.Next(1, 12));
                var within = random.Next(0, 40);
                var rule = random.Next(rules.Length);
                read += Math.Min(text.Length, end + within) - Math.Max(0, position - within);
                (direct, indexed) = read <= text.Length / 2 ? (direct + 1, indexed) : (direct, indexed + 1);
                Assert.Equal(ContextWords.Near(text, position, end, rules[rule], within), lookup.Near(position, end, within, sets[rule]));
            }
        }
        Assert.True(direct > 1000 && indexed > 1000, $"{direct} questions answered directly, {indexed} from the index");
    }

    [Fact]
    public void Words_that_start_with_letters_are_looked_up_in_the_neighbourhood_alone()
    {
        var vocabulary = new ContextVocabulary([["phone", "tel"]]);
        var words = vocabulary.WordsOf(["phone", "tel"]);
        Assert.True(vocabulary.NearInAscii("call my phone at 12", 0, 19, words));
        Assert.False(vocabulary.NearInAscii("call my iphone at 12", 0, 20, words));
        Assert.True(vocabulary.NearInAscii("call my iphone at 12", 9, 20, words)); // at the neighbourhood's start
        Assert.Null(vocabulary.NearInAscii("téléphone 12", 0, 12, words));
        Assert.Null(new ContextVocabulary([["#no"]]).NearInAscii("#no 12", 0, 6, new ContextVocabulary([["#no"]]).WordsOf(["#no"])));
    }
}
