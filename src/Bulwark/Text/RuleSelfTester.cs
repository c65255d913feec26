using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Text;

/// <summary>One failed self-test: the rule, the sample, and what went wrong.</summary>
public sealed record RuleTestFailure(string RuleId, string Source, string Sample, string Problem);

/// <summary>
/// Runs each rule's own examples: every <c>must-match</c> sample must produce a match of that rule, every
/// <c>must-not-match</c> sample none. The same check runs in the test suite and in <c>bulwark rules verify</c>.
/// </summary>
public static class RuleSelfTester
{
    public static IReadOnlyList<RuleTestFailure> Verify(IEnumerable<Rule> rules, bool requireExamples = true)
    {
        var failures = new List<RuleTestFailure>();
        foreach (var rule in rules)
        {
            PatternEngine engine;
            try
            {
                engine = new PatternEngine([rule]);
            }
            catch (BulwarkInputException e)
            {
                failures.Add(new RuleTestFailure(rule.Id, rule.Source, "", e.Message));
                continue;
            }

            var scanner = new TextDocumentScanner(engine, ScanLimits.Default, TimeProvider.System);
            if (requireExamples && rule.MustMatch.Count == 0)
                failures.Add(new RuleTestFailure(rule.Id, rule.Source, "", "has no must-match examples"));
            foreach (var sample in rule.MustMatch)
            {
                if (scanner.ScanString(sample).Count == 0)
                    failures.Add(new RuleTestFailure(rule.Id, rule.Source, sample, "must-match sample did not match"));
            }
            foreach (var sample in rule.MustNotMatch)
            {
                if (scanner.ScanString(sample).Count > 0)
                    failures.Add(new RuleTestFailure(rule.Id, rule.Source, sample, "must-not-match sample matched"));
            }
        }
        return failures;
    }
}
