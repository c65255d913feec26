using System.Text;
using Bulwark.Data;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Data;

public class PiiDetectorTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.Load();

    private static TextDetector Detector(params string[] families) =>
        new(Catalog.Rules.Where(r => families.Contains(r.Family)).ToList(), ScanLimits.Default, TimeProvider.System);

    [Fact]
    public void The_default_packs_cover_at_least_60_entity_types_with_Presidio_names()
    {
        var types = Catalog.Rules.Where(r => r.Family == "pii").Select(r => r.EntityType).ToHashSet(StringComparer.Ordinal);
        Assert.True(types.Count >= 60, $"only {types.Count} PII entity types");
        foreach (var presidio in new[] { "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "US_SSN", "PERSON", "LOCATION", "DATE_TIME", "URL", "CRYPTO", "NRP", "ORGANIZATION", "UK_NHS", "IN_AADHAAR", "SG_NRIC_FIN", "AU_TFN" })
            Assert.Contains(presidio, types);
    }

    [Fact]
    public void A_text_gets_the_same_findings_whatever_was_scanned_before_it()
    {
        // The recognisers reuse per-thread buffers (the file buffer, the word list, the claims): nothing of a longer
        // text scanned before may leak into the next one.
        var detector = Detector("pii");
        const string small = "Dear Ana Lima, call 030 901820 or write to ana@example.com from Lisbon.";
        var alone = Render(detector.ScanStream(new MemoryStream(Encoding.UTF8.GetBytes(small)), "a.txt", "a.txt").Findings);
        var big = string.Concat(Enumerable.Repeat("My name is Jonathan Smith and I live in Springfield. Dr. Mary Jones works for Acme Widgets Inc. ", 400));
        detector.ScanStream(new MemoryStream(Encoding.UTF8.GetBytes(big)), "b.txt", "b.txt");
        var after = Render(detector.ScanStream(new MemoryStream(Encoding.UTF8.GetBytes(small)), "a.txt", "a.txt").Findings);
        Assert.NotEmpty(alone);
        Assert.Equal(alone, after);

        static List<string> Render(IReadOnlyList<Finding> findings) => findings.Select(f => $"{f.RuleId} {f.Location}").ToList();
    }

    [Fact]
    public void Keywords_at_word_starts_find_every_age_that_all_keyword_hits_find()
    {
        // BW-DATA-PII-AGE ignores "age" in "message" and "old" in "folder": on text full of both, the ages found are
        // the same as when every hit opens a window, and far fewer windows are read.
        var age = Catalog.Rules.Single(r => r.Id == "BW-DATA-PII-AGE");
        Assert.True(age.KeywordsAtWordStart);
        var atStarts = new Bulwark.Text.PatternEngine([age]);
        var everywhere = new Bulwark.Text.PatternEngine([age with { KeywordsAtWordStart = false }]);
        string[] pieces = ["message", "page", "usage", "folder", "holder", "42", "7", "115", " ", "-", ".", ":", "\n", "years", "year", "yrs", "yr", "old",
            "aged", "age", "Age", "age of", "is", "y/o", "yo", "turned", "turning", "a", "5yrsold", "storage", "bold"];
        var random = new Random(3);
        var found = 0;
        for (var round = 0; round < 4000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 16)).Select(_ => pieces[random.Next(pieces.Length)] + (random.Next(2) == 0 ? " " : "")));
            // A number glued to "yo" has no keyword of its own (the rule's comment says why): with every hit counted
            // it was found only when "page" or "folder" happened to share its line.
            if (System.Text.RegularExpressions.Regex.IsMatch(text, @"\dyo", System.Text.RegularExpressions.RegexOptions.IgnoreCase)) continue;
            List<Bulwark.Text.PatternMatch> a = [], b = [];
            atStarts.Match(text, 0, text.Length, a);
            everywhere.Match(text, 0, text.Length, b);
            Assert.True(b.SequenceEqual(a), text);
            found += a.Count;
        }
        Assert.True(found > 300, $"only {found} ages in the random texts");
    }

    [Fact]
    public void An_unknown_detector_name_is_an_input_error()
    {
        var pack = RulePackLoader.Parse("""
            pack: test
            rules:
              - id: BW-DATA-PII-TEST
                name: test
                description: test
                severity: low
                family: pii
                detector: no-such-detector
                tags: [cwe:CWE-359]
            """, "test.yaml");
        var e = Assert.Throws<BulwarkInputException>(() => new TextDetector(pack.Rules, ScanLimits.Default, TimeProvider.System));
        Assert.Contains("unknown detector 'no-such-detector'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_without_pattern_or_detector_is_refused()
    {
        var e = Assert.Throws<BulwarkInputException>(() => RulePackLoader.Parse("""
            pack: test
            rules:
              - id: BW-DATA-PII-TEST
                name: test
                severity: low
                keywords: [abc]
            """, "test.yaml"));
        Assert.Contains("missing 'pattern'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_verification_runs_detector_rules_self_tests()
    {
        var pack = RulePackLoader.Parse("""
            pack: test
            rules:
              - id: BW-DATA-PII-TEST
                name: test
                severity: low
                family: pii
                entity: PERSON
                detector: person-name
                tests:
                  must-match: ['the build ran at noon']
            """, "test.yaml");
        var failures = RuleVerifier.Verify(pack.Rules);
        Assert.Single(failures);
        Assert.Equal("must-match sample did not match", failures[0].Problem);
    }

    [Fact]
    public void Names_places_and_identifiers_are_found_in_one_pass_with_entity_types()
    {
        var text = "Dr. Marta Kowalczyk moved to Tampere; her card 4917 6100 0000 0018 and mail marta.k@poczta-test.pl are on file.";
        var types = Detector("pii").MatchText(text).Select(m => (m.Rule.EntityType, m.Secret)).ToList();
        Assert.Contains(("TITLE", "Dr."), types);
        Assert.Contains(("PERSON", "Marta Kowalczyk"), types);
        Assert.Contains(("LOCATION", "Tampere"), types);
        Assert.Contains(("CREDIT_CARD", "4917 6100 0000 0018"), types);
        Assert.Contains(("EMAIL_ADDRESS", "marta.k@poczta-test.pl"), types);
    }

    [Fact]
    public void Pii_never_hides_a_secret_it_overlaps()
    {
        var text = "aws_access_key_id = AKIAZ4QW7RX2L5M3N8PB";
        var matches = Detector("secret", "pii").MatchText(text);
        Assert.Contains(matches, m => m.Rule.Family == "secret");
        Assert.DoesNotContain(matches, m => m.Rule.Family == "pii" && m.Start < 40 && m.End > 20);
    }

    [Fact]
    public void Streamed_files_report_pii_with_lines_and_columns()
    {
        var text = "header line\nsecond line\ncall Ilse Brandt on +49 30 901820 today\n";
        var (findings, _) = Detector("pii").ScanStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "notes.txt", "notes.txt");
        var phone = Assert.Single(findings, f => f.EntityType == "PHONE_NUMBER");
        Assert.Equal(3, phone.Location.Line);
        Assert.Equal(21, phone.Location.Column);
        Assert.Contains(findings, f => f.EntityType == "PERSON" && f.Location.Line == 3);
        Assert.All(findings, f => Assert.DoesNotContain("901820", f.Evidence, StringComparison.Ordinal));
    }
}
