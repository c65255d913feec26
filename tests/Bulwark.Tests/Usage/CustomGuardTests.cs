using Bulwark.Kernel;
using Bulwark.Kernel.Guards;
using Bulwark.Scanning;
using Bulwark.Usage.Guards;

namespace Bulwark.Tests.Usage;

/// <summary>The policy's own rules: the <c>regex</c> and <c>deny-list</c> guards.</summary>
public class CustomGuardTests
{
    private const string Policy = """
        input:
          - guard: regex
            action: redact
            patterns:
              - id: ACME-EMPLOYEE-ID
                regex: '\bEMP-\d{6}\b'
                description: an Acme employee number
              - id: ACME-CODENAME
                regex: '(?i)\bproject\s+(falcon|osprey)\b'
          - guard: deny-list
            action: block
            id: ACME-COMPETITORS
            words: [Globex, Initech Corp, Initech]
        """;

    private static GuardPipelines Pipelines(string yaml = Policy) => GuardPipelines.Build(GuardPolicy.Parse(yaml, "policy.yaml"), TestRules.Catalog());

    [Fact]
    public void A_custom_pattern_redacts_with_its_own_rule_id()
    {
        var verdict = Pipelines().Input.Run("Ticket for EMP-123456 about Project  Osprey timelines.");
        Assert.Equal(GuardAction.Redact, verdict.Action);
        Assert.Equal(["ACME-CODENAME", "ACME-EMPLOYEE-ID"], verdict.Hits.Select(h => h.RuleId).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("EMP-123456", verdict.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Osprey", verdict.Text, StringComparison.Ordinal);
        Assert.Contains("an Acme employee number", verdict.Hits.Select(h => h.Message));
    }

    [Theory]
    [InlineData("Compare us with GLOBEX please.", "GLOBEX")]
    [InlineData("How does initech corp price it?", "initech corp")]
    [InlineData("Initech.", "Initech")]
    public void A_denied_term_blocks_as_a_whole_word_in_any_case(string prompt, string term)
    {
        var verdict = Pipelines().Input.Run(prompt);
        Assert.True(verdict.IsBlocked);
        var hit = Assert.Single(verdict.Hits, h => h.Guard == "deny-list");
        Assert.Equal("ACME-COMPETITORS", hit.RuleId);
        Assert.Equal(term, prompt.Substring(hit.Start, hit.Length));
    }

    [Theory]
    [InlineData("The globexian empire fell.")]      // a longer word, not the entry
    [InlineData("Reinitech is a made-up word.")]
    [InlineData("Nothing to see here.")]
    public void Words_that_only_contain_a_denied_term_pass(string prompt) =>
        Assert.Equal(GuardAction.Allow, Pipelines().Input.Run(prompt).Action);

    [Fact]
    public void A_deny_list_without_an_id_uses_the_default_rule_id()
    {
        var pipelines = Pipelines("input:\n  - guard: deny-list\n    words: [forbidden]\n");
        Assert.Equal(DenyListGuard.DefaultRuleId, Assert.Single(pipelines.Input.Run("a forbidden word").Hits).RuleId);
    }

    [Fact]
    public void A_large_deny_list_finds_every_entry_it_is_shown()
    {
        var words = Enumerable.Range(0, 5000).Select(i => $"term{i:x5}").ToList();
        var guard = new DenyListGuard(words, null, "test");
        var text = string.Join(" filler ", words.Where((_, i) => i % 97 == 0));
        var hits = guard.Inspect(text, GuardContext.Empty, CancellationToken.None);
        Assert.Equal(words.Where((_, i) => i % 97 == 0), hits.Select(h => text.Substring(h.Start, h.Length)));
    }

    [Fact]
    public void A_hostile_pattern_runs_in_linear_time_on_hostile_text()
    {
        // (a+)+$ is the classic catastrophic-backtracking pattern; the non-backtracking engine must shrug it off.
        var guard = new RegexGuard([new CustomPattern("X-REDOS", "(a+)+$")], "test");
        var text = new string('a', 200_000) + "!";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Empty(guard.Inspect(text, GuardContext.Empty, CancellationToken.None));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("input:\n  - guard: regex\n", "'patterns' needs at least one pattern")]
    [InlineData("input:\n  - guard: regex\n    patterns:\n      - regex: 'x'\n", "pattern 1: missing 'id'")]
    [InlineData("input:\n  - guard: regex\n    patterns:\n      - id: A\n        regex: '(x'\n", "(A): 'regex' is not a pattern")]
    [InlineData("input:\n  - guard: regex\n    patterns:\n      - id: A\n        regex: '(\\w)\\1'\n", "non-backtracking engine")]
    [InlineData("input:\n  - guard: regex\n    patterns:\n      - id: A\n        regex: 'x'\n      - id: A\n        regex: 'y'\n", "pattern id 'A' is used twice")]
    [InlineData("input:\n  - guard: deny-list\n    words: []\n", "'words' needs at least one")]
    [InlineData("input:\n  - guard: secrets\n    words: [x]\n", "guard 'secrets' takes no 'words'")]
    [InlineData("input:\n  - guard: deny-list\n    words: [x]\n    patterns:\n      - id: A\n        regex: 'x'\n", "guard 'deny-list' takes no 'patterns'")]
    public void Bad_custom_rules_are_refused_with_the_step_named(string yaml, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => Pipelines(yaml));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("policy.yaml: input step 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_deny_list_hit_is_an_entry_on_word_boundaries_in_random_text()
    {
        string[] entries = ["alpha", "alpha beta", "gamma"];
        var guard = new DenyListGuard(entries, null, "test");
        var random = new Random(20261124);
        // Pieces that make entries, near-misses and boundaries of every kind when strung together at random.
        string[] pieces = ["alpha", "ALPHA", "beta", "gamma", "gam", "ma", "x", "1", " ", "  ", ".", "-", "_", "\u00e9", "\u0301", "\n"];
        var found = 0;
        for (var round = 0; round < 3000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            foreach (var hit in guard.Inspect(text, GuardContext.Empty, CancellationToken.None))
            {
                Assert.Contains(text.Substring(hit.Start, hit.Length), entries, StringComparer.OrdinalIgnoreCase);
                Assert.True(hit.Start == 0 || !IsWordChar(text[hit.Start - 1]), text);
                Assert.True(hit.Start + hit.Length == text.Length || !IsWordChar(text[hit.Start + hit.Length]), text);
                found++;
            }
        }
        Assert.True(found > 100, $"only {found} hits: the generator no longer exercises the guard");
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '\u0301';
}
