using System.Text;
using Bulwark.Text;

namespace Bulwark.Tests.Text;

/// <summary>Randomised checks against simple reference implementations (seeded, so failures reproduce).</summary>
public class TextPropertyTests
{
    private static readonly string[] Alphabet = ["a", "b", "Z", "9", " ", "\n", "_", "é", "\u200B", "ﬁ", "\U0001F600", "e\u0301", "Ｋ", "\uFEFF", "\uD800"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Prefilter_finds_exactly_the_keyword_positions_a_naive_search_finds(int seed)
    {
        var random = new Random(seed);
        string[] keywords = ["abz", "bab", "zz9", "_a_", "Key", "ab_zz9k", "keykey_a"];
        var prefilter = new LiteralPrefilter([[keywords[0], keywords[1]], [keywords[2]], [keywords[3], keywords[4]], [keywords[5], keywords[6]]]);
        var longHits = 0;
        for (var round = 0; round < 200; round++)
        {
            // Fragments that assemble keywords, near misses and overlaps (case varies) more often than random letters would.
            string[] pieces = ["a", "b", "z", "Z", "9", "_", "k", "K", "e", "y", " ", "ab_zz9", "keykey_", "KEYKEY_A", "ab", "_a"];
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 120)).Select(_ => pieces[random.Next(pieces.Length)]));
            var expected = new List<(int, int)>();
            for (var i = 0; i < text.Length; i++)
            {
                for (var k = 0; k < keywords.Length; k++)
                {
                    if (text.AsSpan(i).StartsWith(keywords[k], StringComparison.OrdinalIgnoreCase)) expected.Add((i, k));
                }
            }
            var actual = new List<(int, int)>();
            prefilter.FindHits(text, 0, text.Length, (position, rules) =>
            {
                var keyword = keywords.Select((k, i) => (k, i)).Where(x => text.AsSpan(position).StartsWith(x.k, StringComparison.OrdinalIgnoreCase)).Select(x => x.i);
                actual.AddRange(keyword.Select(k => (position, k)).Where(p => rules.Contains(RuleOf(p.k))));
            });
            Assert.Equal(expected.Order(), actual.Distinct().Order());
            longHits += expected.Count(e => e.Item2 >= 5);
        }
        Assert.True(longHits > 0, "the random texts never held a long keyword; the test would prove nothing about them");

        static int RuleOf(int keyword) => keyword switch { 0 or 1 => 0, 2 => 1, 3 or 4 => 2, _ => 3 };
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Normalised_offsets_map_back_monotonically_into_the_original(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 500; round++)
        {
            var builder = new StringBuilder();
            for (var i = random.Next(0, 40); i > 0; i--) builder.Append(Alphabet[random.Next(Alphabet.Length)]);
            var original = builder.ToString();
            var normalised = NormalizedText.Create(original);

            Assert.DoesNotContain('\u200B', normalised.Text);
            Assert.DoesNotContain('\uFEFF', normalised.Text);
            var previous = 0;
            for (var i = 0; i <= normalised.Text.Length; i++)
            {
                var start = normalised.ToOriginalStart(i);
                Assert.InRange(start, previous, original.Length);
                Assert.InRange(normalised.ToOriginalEnd(i), 0, original.Length);
                previous = start;
            }
            for (var o = 0; o <= original.Length; o++) Assert.InRange(normalised.FromOriginal(o), 0, normalised.Text.Length);
        }
    }

    [Theory]
    [InlineData("plain ascii", 5, 5)]
    [InlineData("\U0001F600x", 2, 1)]
    [InlineData("a\U0001F600\U0001F600b", 5, 3)]
    public void Code_point_offsets_count_like_python(string text, int utf16, int codePoints)
    {
        Assert.Equal(codePoints, new CodePointIndex(text).FromUtf16(utf16));
    }

    [Fact]
    public void Entropy_orders_random_keys_above_words()
    {
        Assert.True(ShannonEntropy.Of("Zq8Rw2Lx9Pv4Nk7Tb1") > 3.5);
        Assert.True(ShannonEntropy.Of("passwordpassword") < 3.0);
        Assert.Equal(0, ShannonEntropy.Of(""));
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", true)]
    [InlineData("eyJub3RhbGciOjF9.eyJzdWIiOiIxIn0.c2ln", false)]
    public void Validators_accept_and_reject(string value, bool expected)
    {
        var name = value.StartsWith("eyJ", StringComparison.Ordinal) ? "jwt" : "luhn";
        Assert.True(ValueValidators.TryGet(name, out var validator));
        Assert.Equal(expected, validator(value));
    }
}
