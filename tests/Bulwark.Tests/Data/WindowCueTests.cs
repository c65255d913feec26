using Bulwark.Data.Pii;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Data;

public class WindowCueTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.Load();

    [Fact]
    public void Every_window_cue_applies_to_the_pattern_of_an_embedded_rule()
    {
        // As a value shape, a cue is written for one exact pattern: editing the pattern switches it off until the cue
        // is checked against the new pattern and its hash updated.
        foreach (var cue in WindowCue.Cues)
        {
            var rule = Catalog.Rules.SingleOrDefault(r => r.Id == cue.RuleId);
            Assert.True(rule is not null, $"{cue.RuleId}: no such rule");
            Assert.True(WindowCue.For(rule.Id, rule.Pattern) is not null, $"{cue.RuleId}: pattern changed, its SHA-256 is now {WindowCue.Sha256(rule.Pattern)}");
        }
    }

    [Theory]
    [InlineData("BW-DATA-PII-DATE-WORDS", "born on 5 May, 1990 in", true)]
    [InlineData("BW-DATA-PII-DATE-WORDS", "on Sept. 12 2019 we", true)]
    [InlineData("BW-DATA-PII-DATE-WORDS", "decode(2019) marks 2020", false)]
    [InlineData("BW-DATA-PII-DATE-OF-BIRTH", "DOB: 12/03/1990", true)]
    [InlineData("BW-DATA-PII-DATE-OF-BIRTH", "Birthday 1990-03-12", true)]
    [InlineData("BW-DATA-PII-DATE-OF-BIRTH", "released 12/03/1990", false)]
    [InlineData("BW-DATA-PII-STREET-ADDRESS", "I live at 12 Harbour Road", true)]
    [InlineData("BW-DATA-PII-STREET-ADDRESS", "Hauptstraße 12, 10115 Berlin", true)]
    [InlineData("BW-DATA-PII-STREET-ADDRESS", "PORT=8080\nHost", false)]
    [InlineData("BW-DATA-PII-STREET-ADDRESS", "call f(12) Main", false)]
    [InlineData("BW-DATA-PII-STREET-ADDRESS", "SHA=c8941f4b90\nNext", false)]
    [InlineData("BW-DATA-PII-STREET-ADDRESS", "Hauptstr. 12, Apt5", true)]
    [InlineData("BW-DATA-PII-MAC", "device 3c:22:fb:7a:91:0e joined", true)]
    [InlineData("BW-DATA-PII-MAC", "id bcc6efaa-12d1-44a1-90fe-9ff1e0c33c04 ok", false)]
    [InlineData("BW-DATA-PII-IPV6", "from 2001:db8:85a3::8a2e:370:7334 at noon", true)]
    [InlineData("BW-DATA-PII-IPV6", "at 2024-05-24T13:52:02.081Z", false)]
    [InlineData("BW-DATA-PII-SG-NRIC", "NRIC S1234567D here", true)]
    [InlineData("BW-DATA-PII-SG-NRIC", "var S1234567D_old", false)]
    public void A_cue_keeps_windows_that_may_match_and_drops_others(string ruleId, string text, bool mayMatch)
    {
        var rule = Catalog.Rules.Single(r => r.Id == ruleId);
        var cue = WindowCue.For(rule.Id, rule.Pattern)!;
        var digit = text.AsSpan().IndexOfAnyInRange('0', '9');
        var end = digit;
        while (end < text.Length && char.IsAsciiLetterOrDigit(text[end])) end++; // letters glued to the digits belong to the run
        Assert.Equal(mayMatch, cue.MayMatch(text, digit, end, 0, text.Length));
    }
}

public class AddressBranchTests
{
    private static readonly Rule Address = RuleCatalog.Load().Rules.Single(r => r.Id == "BW-DATA-PII-STREET-ADDRESS");

    [Fact]
    public void The_address_pattern_splits_into_its_ten_branch_heads()
    {
        var branches = AddressRunBorders.TopLevelBranches(Address.Pattern);
        Assert.Equal(10, branches.Count);
        // An inline option without a scope ("(?i)") would reach into the branches after it: none may have one.
        Assert.All(branches, b => Assert.DoesNotMatch(@"\(\?[imnsx-]+\)", b));
        Assert.Equal(10, ((AddressRunBorders)WindowCue.For(Address.Id, Address.Pattern)!).Branches);
    }

    /// <summary>The branch heads match a window exactly when the whole pattern does, on addresses and near-misses.</summary>
    [Fact]
    public void Some_branch_head_matches_exactly_where_the_whole_pattern_matches()
    {
        var whole = new System.Text.RegularExpressions.Regex(Address.Pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.ExplicitCapture);
        var heads = AddressRunBorders.TopLevelBranches(Address.Pattern).Select(b => new System.Text.RegularExpressions.Regex("(?x)" + b, System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.ExplicitCapture)).ToArray();
        string[] pieces = [.. Address.MustMatch, .. Address.MustNotMatch, "12", " ", "\n", ", ", "Main", "Street", "St.", "Road", "Apt 5", "PO Box 44", "Hauptstraße", "rue", "de", "la", "Paix", "corner of", "and",
            "Elm", "USS", "Enterprise", "PSC 4411", "Box", "2210", "APO AE 09123", "Keizersgracht", "221", "gatan", "TRACE_TEAM=372623", "2024-06-24T02:07:38.626Z INFO", "Suite 200", "x", "Ülkü", "10115 Berlin"];
        var random = new Random(5);
        var matched = 0;
        for (var round = 0; round < 3000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)] + (random.Next(3) == 0 ? " " : "")));
            var expected = whole.IsMatch(text);
            matched += expected ? 1 : 0;
            Assert.True(expected == heads.Any(h => h.IsMatch(text)), text);
        }
        Assert.InRange(matched, 300, 2700); // both answers were exercised
    }

    /// <summary>The street-address cue never drops a run that a match of the whole pattern overlaps, on text where
    /// addresses sit among log lines, assignments and brackets (the cue cuts its window at such characters).</summary>
    [Fact]
    public void The_address_cue_keeps_every_run_a_match_overlaps()
    {
        var whole = new System.Text.RegularExpressions.Regex(Address.Pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.ExplicitCapture);
        var cue = WindowCue.For(Address.Id, Address.Pattern)!;
        string[] pieces = [.. Address.MustMatch, "12", "4410", " ", "\n", ", ", "Main", "Street", "St.", "Road", "Apt 5", "PO Box 44", "Hauptstraße", "rue", "de", "Paix",
            "Elm", "USS", "Enterprise", "Box", "2210", "APO AE 09123", "221", "gatan", "TRACE_TEAM=372623", "2024-06-24T02:07:38.626Z INFO", "[worker-3]", "=", ":", "_", "/",
            "\"", "x", "Ülkü", "10115 Berlin", "path", "view", "run", "Port 8080"];
        var random = new Random(9);
        var (kept, dropped) = (0, 0);
        for (var round = 0; round < 3000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 14)).Select(_ => pieces[random.Next(pieces.Length)] + (random.Next(3) == 0 ? " " : "")));
            var matches = whole.Matches(text).Where(m => m.Length > 0).ToList();
            for (var start = text.AsSpan().IndexOfAnyInRange('0', '9'); start >= 0;)
            {
                var end = start;
                while (end < text.Length && char.IsAsciiLetterOrDigit(text[end])) end++;
                var overlapped = matches.Any(m => m.Index < end && m.Index + m.Length > start);
                var mayMatch = cue.MayMatch(text, start, end, 0, text.Length);
                Assert.True(mayMatch || !overlapped, $"run {start}..{end} of '{text}' was dropped");
                (kept, dropped) = mayMatch ? (kept + 1, dropped) : (kept, dropped + 1);
                var next = text.AsSpan(end).IndexOfAnyInRange('0', '9');
                start = next < 0 ? -1 : end + next;
            }
        }
        Assert.True(kept > 500 && dropped > 500, $"kept {kept}, dropped {dropped}");
    }
}
