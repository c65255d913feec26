using Bulwark.Data.Pii;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Tests.Data;

public class ValueFactsTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.Load();

    private static IEnumerable<Rule> DigitRules => Catalog.Rules.Where(r => r.Detector is Recognisers.DigitPattern or Recognisers.AtSignPattern);

    // Pieces of digit-rich text: values of many kinds, separators, letters of both cases, and non-ASCII look-alikes.
    private static readonly string[] Pieces =
    [
        "1", "23", "456", "7890", "12345678", "-", " ", ".", "/", ":", "(", ")", "+", "A", "B", "Z", "x", "0x", "ab", "cf", "\n",
        "DE", "IT", "T", "é", "٣", "\u00a0", "ſ", "K", "SSN", "phone", "card", "born", "DOB", "May", "2019", "1990-01-02",
        "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "tel", "No", "ID", "@", "a.b", "mail.com", "user", "3c:22:fb:7a:91:0e",
        "10.0.4.17", "fe80::1", "8b0acde1-f692", "T19:15:21Z", "_", "=", "+44 20 7946 0958", "(555) 123-4567", "123-45-6789", "AB 12 34 56 C", "X1234567L", "S1234567D",
    ];

    [Fact]
    public void Every_digit_rule_whose_match_is_its_value_has_facts()
    {
        // Rules with a cue phrase before the value (a date of birth, a year after "since") report less than they match.
        string[] withPrefix = ["BW-DATA-PII-DATE-OF-BIRTH", "BW-DATA-PII-DATE-YEAR"];
        foreach (var rule in DigitRules)
        {
            var facts = ValueFacts.Of(rule.Pattern!, rule.SecretGroup);
            Assert.True(withPrefix.Contains(rule.Id) ? facts is null : facts is not null, rule.Id);
        }
    }

    [Fact]
    public void Every_value_a_rule_reports_satisfies_its_facts()
    {
        // The facts are necessary conditions: no value the regex reports may break them, on the rules' own examples
        // or on random text.
        var random = new Random(11);
        var texts = DigitRules.SelectMany(r => r.MustMatch).Concat(Enumerable.Range(0, 3000).Select(_ => RandomText(random))).ToList();
        foreach (var rule in DigitRules)
        {
            if (ValueFacts.Of(rule.Pattern!, rule.SecretGroup) is not { } facts) continue;
            var pattern = RulePattern.Create(rule, TimeSpan.FromSeconds(1));
            foreach (var text in texts.Where(t => !t.AsSpan().ContainsAnyExceptInRange('\0', '\x7f')))
            {
                for (var m = pattern.Regex.Match(text); m.Success; m = m.NextMatch())
                {
                    var value = pattern.SecretGroup is { } g && m.Groups[g].Success ? m.Groups[g].Value : m.Value;
                    Assert.True(value.All(facts.Chars.Contains), $"{rule.Id}: '{value}' holds a character outside its facts");
                    Assert.True(facts.Admits(Count(value)), $"{rule.Id}: '{value}' is shorter or poorer than its facts say");
                }
            }
        }
    }

    [Fact]
    public void Findings_are_the_same_with_and_without_the_facts()
    {
        var rules = Catalog.Rules.Where(r => r.Detector == Recognisers.DigitPattern).ToList();
        var timeout = ScanLimits.Default.RegexTimeout;
        var fast = new AnchoredPatternRecogniser(rules, AnchoredPatternRecogniser.Anchor.Digit, timeout);
        var plain = new AnchoredPatternRecogniser(rules, AnchoredPatternRecogniser.Anchor.Digit, timeout) { UseValueFacts = false };
        var random = new Random(5);
        var found = new HashSet<string>();
        for (var round = 0; round < 4000; round++)
        {
            var text = RandomText(random);
            List<RecognisedSpan> a = [], b = [];
            fast.Recognise(text, a);
            plain.Recognise(text, b);
            Assert.Equal(b.Select(s => (s.Rule.Id, s.Start, s.End)), a.Select(s => (s.Rule.Id, s.Start, s.End)));
            found.UnionWith(a.Select(s => s.Rule.Id));
        }
        Assert.True(found.Count >= 15, $"the random texts should hold values of many kinds, found {string.Join(", ", found)}");
    }

    [Fact]
    public void Facts_read_from_random_patterns_hold_for_their_matches()
    {
        // Random patterns built from the syntax the reader follows (and some it does not): the reader never throws,
        // and every match of a pattern it reads satisfies the facts it read.
        string[] syntax =
        [
            @"\d", @"\w", @"\s", @"\D", "[a-c]", "[^0-9]", "[A-Z0-9 ]", "x", "Y", "-", " ", ".", @"\.", @"\b", "^", "$", "?", "*", "+", "{2}", "{1,3}",
            "{0,2}", "(", "(?:", "(?<secret>", "(?i:", "(?i)", "(?=", "(?!", "(?<=a)", "(?<!b)", ")", "|", @"\k<secret>", "(?<g>", @"\k<g>",
        ];
        var random = new Random(17);
        var texts = Enumerable.Range(0, 60).Select(_ => RandomText(random)).Where(t => !t.AsSpan().ContainsAnyExceptInRange('\0', '\x7f')).ToList();
        var read = 0;
        for (var round = 0; round < 3000; round++)
        {
            var pattern = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => syntax[random.Next(syntax.Length)]));
            System.Text.RegularExpressions.Regex regex;
            try
            {
                regex = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.ExplicitCapture);
            }
            catch (ArgumentException)
            {
                continue; // not a pattern at all
            }
            if (ValueFacts.Of(pattern, "secret") is not { } facts) continue;
            read++;
            var secret = regex.GroupNumberFromName("secret");
            foreach (var text in texts)
            {
                foreach (System.Text.RegularExpressions.Match m in regex.Matches(text))
                {
                    var value = secret >= 0 && m.Groups[secret].Success ? m.Groups[secret].Value : m.Value;
                    Assert.True(value.All(facts.Chars.Contains) && facts.Admits(Count(value)), $"/{pattern}/ reported '{value}' against its facts");
                }
            }
        }
        Assert.True(read > 300, $"only {read} random patterns were read");
    }

    [Theory]
    [InlineData(@"(?<secret>\d{3}-\d{2}-\d{4})", "-0123456789", 9, 0, 2, 11)]
    [InlineData(@"(?<![\w.-])(?<secret>\d{3} ?\d{3})(?![\w-])", " 0123456789", 6, 0, 0, 6)]
    [InlineData(@"(?i:ab)\d", "0123456789ABab", 1, 2, 0, 3)]
    [InlineData(@"(?<sep>[:-])\d(?:\k<sep>\d){2}", "-0123456789:", 3, 0, 1, 4)]
    public void The_reader_computes_characters_and_counts(string pattern, string chars, int digits, int letters, int other, int length)
    {
        var facts = ValueFacts.Of(pattern, "secret");
        Assert.NotNull(facts);
        Assert.Equal(chars, new string(Enumerable.Range(0, 128).Select(c => (char)c).Where(facts.Chars.Contains).ToArray()));
        Assert.Equal((digits, letters, other, length), (facts.MinDigits, facts.MinLetters, facts.MinOther, facts.MinLength));
    }

    [Theory]
    [InlineData(@"(?x) \d{3} ")]
    [InlineData(@"[a-z-[aeiou]]\d")]
    [InlineData(@"(\d)\1")]
    [InlineData(@"x(?<secret>\d{2})")] // matches more than it reports
    [InlineData(@"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))")]
    public void Patterns_the_reader_does_not_follow_get_no_facts(string pattern) => Assert.Null(ValueFacts.Of(pattern, "secret"));

    [Theory]
    [InlineData(@"(?<![\w.-])(?<secret>\d{3})(?![\w-]|[.,]\d)", "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz", "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")]
    [InlineData(@"(?<![\w+/.-])(?!(?:19|20)\d\d)(?<secret>\d+)(?!\w|-\d)", "+-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")]
    [InlineData(@"(?<![A-Z:])(?<secret>[A-Z]{2}\d{2})", ":ABCDEFGHIJKLMNOPQRSTUVWXYZ", "")]
    [InlineData(@"(?<!\+)(?<secret>\d)(?![\]\-])", "+", "-]")]
    public void Bounds_are_read_from_the_lookarounds_that_fence_the_value(string pattern, string notBefore, string notAfter)
    {
        var bounds = ValueBounds.Of(pattern, "secret");
        Assert.NotNull(bounds);
        Assert.Equal((notBefore, notAfter), (Members(bounds.NotBefore), Members(bounds.NotAfter)));

        static string Members(CharMask set) => new(Enumerable.Range(0, 128).Select(c => (char)c).Where(set.Contains).ToArray());
    }

    [Theory]
    [InlineData(@"(?<secret>\d{3})(?![\w-])")] // nothing before the value is fenced off
    [InlineData(@"(?<![\w-])x(?<secret>\d{3})")] // the match holds more than the value
    [InlineData(@"(?<![\w-])(?<secret>\d{3})(?![\w-])|y")] // another branch has no fence
    [InlineData(@"(?<![^a])(?<secret>\d)(?!\p{L})")] // negated classes and categories are not read
    [InlineData(@"(?<![\w-])(?<other>\d{3})(?![\w-])")] // not the secret group
    public void Patterns_without_a_plain_fence_get_no_bounds(string pattern) => Assert.Null(ValueBounds.Of(pattern, "secret"));

    [Fact]
    public void Uuids_and_timestamps_cannot_hold_a_card_number()
    {
        var rule = Catalog.Rules.Single(r => r.Id == "BW-DATA-PII-CREDIT-CARD");
        foreach (var text in new[] { "id 20717917-2161-43f3-8f5d-cec71f8ea621 ok", "at 2024-08-26T19:15:21.123Z INFO", "id 0ec57214-8c63-4bb2-a7a9-180432fddfe2" })
            Assert.False(Admits(rule, text, 3, text.Length - 3), text);
        const string card = "card 4111 1111 1111 1111.";
        Assert.True(Admits(rule, card, 5, card.Length - 1));
    }

    [Fact]
    public void A_value_may_start_and_end_where_a_window_may_edge()
    {
        // The regex reads a window that starts at or before the run and ends at or after it, as its whole input: at
        // the run's own edges the lookarounds may pass, whatever stands beyond them.
        var rule = Catalog.Rules.Single(r => r.Id == "BW-DATA-PII-CREDIT-CARD");
        Assert.True(Admits(rule, "a-4111111111111111-b", 2, 18));
        Assert.False(Admits(rule, "a-4111111111111111-b", 0, 20)); // here the letters and dashes are inside the run
    }

    [Fact]
    public void Every_value_a_rule_reports_lies_in_a_fenced_stretch()
    {
        // Bounds are necessary conditions: for every value the regex finds, with any ASCII run that overlaps it and a
        // window from the text's start to its end, the run's stretches must admit the rule.
        var random = new Random(23);
        var texts = DigitRules.SelectMany(r => r.MustMatch).Concat(Enumerable.Range(0, 3000).Select(_ => RandomText(random))).ToList();
        var fenced = 0;
        foreach (var rule in DigitRules)
        {
            if (ValueBounds.Of(rule.Pattern!, rule.SecretGroup) is null || ValueFacts.Of(rule.Pattern!, rule.SecretGroup) is null) continue;
            fenced++;
            var pattern = RulePattern.Create(rule, TimeSpan.FromSeconds(1));
            foreach (var text in texts)
            {
                for (var m = pattern.Regex.Match(text); m.Success; m = m.NextMatch())
                {
                    if (m.Length == 0) continue;
                    foreach (var (start, end) in new[] { (m.Index, m.Index + m.Length), (m.Index + m.Length - 1, m.Index + m.Length), (Math.Max(0, m.Index - 3), m.Index + 1) })
                    {
                        if (text.AsSpan(start, end - start).ContainsAnyExceptInRange('\0', '\x7f')) continue; // runs are ASCII
                        Assert.True(Admits(rule, text, start, end), $"{rule.Id}: '{m.Value}' in '{text}' was ruled out");
                    }
                }
            }
        }
        Assert.True(fenced >= 30, $"only {fenced} rules have bounds");
    }

    /// <summary>Whether the stretches around the run [start, end) admit the rule, with a reach over the whole text.</summary>
    private static bool Admits(Rule rule, string text, int start, int end)
    {
        var (facts, bounds) = (ValueFacts.Of(rule.Pattern!, rule.SecretGroup)!, ValueBounds.Of(rule.Pattern!, rule.SecretGroup)!);
        var stretches = new RunStretches([new RunStretches.Key(facts.Chars, text.Length, bounds.NotBefore, bounds.NotAfter)]);
        stretches.NextRun(start, end);
        return stretches.Admits(text, 0, facts);
    }

    private static string RandomText(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => Pieces[random.Next(Pieces.Length)]));

    private static StretchCounts Count(string value) => new(
        value.Count(char.IsAsciiDigit), value.Count(char.IsAsciiLetterUpper), value.Count(char.IsAsciiLetterLower),
        value.Count(c => !char.IsAsciiLetterOrDigit(c)), value.Length);
}

public class WordPrefilterTests
{
    [Fact]
    public void A_word_in_the_list_always_passes_the_prefilter()
    {
        // Case-insensitive equality reaches past ASCII ('ſ' is an 's', 'K' a 'k'): the prefilter may say "maybe" for
        // a word not in the list, never "no" for one in it.
        string[] letters = ["a", "s", "S", "k", "K", "i", "I", "ſ", "K", "ı", "İ", "é", "É", "-", "'", "z"];
        var random = new Random(3);
        string Word() => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => letters[random.Next(letters.Length)]));
        for (var round = 0; round < 200; round++)
        {
            var entries = Enumerable.Range(0, random.Next(1, 20)).Select(_ => Word()).ToList();
            var set = new HashSet<string>(entries, StringComparer.OrdinalIgnoreCase);
            var prefilter = new WordPrefilter(entries);
            for (var probe = 0; probe < 200; probe++)
            {
                var word = Word();
                if (set.Contains(word)) Assert.True(prefilter.MayContain(word), $"'{word}' is in [{string.Join(", ", entries)}]");
            }
        }
    }

    [Fact]
    public void Most_words_outside_a_short_list_are_ruled_out()
    {
        var prefilter = new WordPrefilter(["american", "french", "buddhist"]);
        Assert.False(prefilter.MayContain("return"));
        Assert.False(prefilter.MayContain("amazing"));
        Assert.True(prefilter.MayContain("AMERICAN"));
    }
}
