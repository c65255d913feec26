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
            Assert.True(WindowCue.For(rule.Id, rule.Pattern) is not null, $"{cue.RuleId}: pattern changed, its SHA-256 is now {ValueShape.Sha256(rule.Pattern)}");
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
