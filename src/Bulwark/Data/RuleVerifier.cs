using Bulwark.Data.Pii.Ner;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Data;

/// <summary>
/// Runs the self-tests of every rule: pattern rules through the text engine's <see cref="RuleSelfTester"/>,
/// detector rules through a <see cref="TextDetector"/> holding only that rule. Used by the test suite and by
/// <c>bulwark rules verify</c>.
/// </summary>
public static class RuleVerifier
{
    /// <param name="ner">The model for <c>ner-*</c> rules (their samples then check the model); without one they fail.</param>
    public static IReadOnlyList<RuleTestFailure> Verify(IEnumerable<Rule> rules, bool requireExamples = true, NerModel? ner = null)
    {
        // Model rules have no samples to run: the model scanners' tests exercise them (tests/Bulwark.Tests/Models).
        // Infrastructure rules' samples are files, run by Bulwark.Infra.InfraRuleVerifier.
        var all = rules.Where(r => r.RunsOnText).ToList();
        var failures = RuleSelfTester.Verify(all.Where(r => r.IsPatternRule), requireExamples).ToList();
        foreach (var rule in all.Where(r => !r.IsPatternRule))
        {
            TextDetector detector;
            try
            {
                detector = new TextDetector([rule], ScanLimits.Default, TimeProvider.System, ner);
            }
            catch (BulwarkInputException e)
            {
                failures.Add(new RuleTestFailure(rule.Id, rule.Source, "", e.Message));
                continue;
            }
            if (requireExamples && rule.MustMatch.Count == 0)
                failures.Add(new RuleTestFailure(rule.Id, rule.Source, "", "has no must-match examples"));
            foreach (var sample in rule.MustMatch.Where(s => !detector.MatchText(s).Any(m => m.Rule.Id == rule.Id)))
                failures.Add(new RuleTestFailure(rule.Id, rule.Source, sample, "must-match sample did not match"));
            foreach (var sample in rule.MustNotMatch.Where(s => detector.MatchText(s).Any(m => m.Rule.Id == rule.Id)))
                failures.Add(new RuleTestFailure(rule.Id, rule.Source, sample, "must-not-match sample matched"));
        }
        return failures;
    }
}
