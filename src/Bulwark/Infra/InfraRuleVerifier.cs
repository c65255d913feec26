using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Infra;

/// <summary>
/// Runs the self-tests of infrastructure rules. A sample is a whole file whose first line names it
/// (<c># file: main.tf</c>, dropped before parsing): must-match samples must raise the rule, must-not-match samples
/// must not. Used by the test suite and by <c>bulwark rules verify</c>.
/// </summary>
public static class InfraRuleVerifier
{
    private const string FileHeader = "# file:";

    /// <summary>The detector of the live probe's rule: its tests start servers, it has no file samples.</summary>
    public const string ProbeDetector = "infra-probe";

    public static IReadOnlyList<RuleTestFailure> Verify(IEnumerable<Rule> rules, bool requireExamples = true)
    {
        var failures = new List<RuleTestFailure>();
        foreach (var rule in rules.Where(r => r.IsInfraRule && r.Detector != ProbeDetector))
        {
            InfraAnalyzer analyzer;
            try
            {
                analyzer = new InfraAnalyzer([rule]);
            }
            catch (BulwarkInputException e)
            {
                failures.Add(new RuleTestFailure(rule.Id, rule.Source, "", e.Message));
                continue;
            }
            if (requireExamples && (rule.MustMatch.Count == 0 || rule.MustNotMatch.Count == 0))
                failures.Add(new RuleTestFailure(rule.Id, rule.Source, "", "needs must-match and must-not-match samples"));
            foreach (var sample in rule.MustMatch)
            {
                if (Run(analyzer, rule, sample, out var problem) is not { } found) failures.Add(new RuleTestFailure(rule.Id, rule.Source, sample, problem!));
                else if (!found) failures.Add(new RuleTestFailure(rule.Id, rule.Source, sample, "must-match sample did not match"));
            }
            foreach (var sample in rule.MustNotMatch)
            {
                if (Run(analyzer, rule, sample, out var problem) is not { } found) failures.Add(new RuleTestFailure(rule.Id, rule.Source, sample, problem!));
                else if (found) failures.Add(new RuleTestFailure(rule.Id, rule.Source, sample, "must-not-match sample matched"));
            }
        }
        return failures;
    }

    /// <summary>Whether the rule fires on the sample; null (with the reason) when the sample is not a usable file.</summary>
    private static bool? Run(InfraAnalyzer analyzer, Rule rule, string sample, out string? problem)
    {
        problem = null;
        var newline = sample.IndexOf('\n', StringComparison.Ordinal);
        var header = newline < 0 ? sample : sample[..newline];
        if (!header.StartsWith(FileHeader, StringComparison.Ordinal))
        {
            problem = $"sample must start with '{FileHeader} NAME' naming the file it stands for";
            return null;
        }
        var name = header[FileHeader.Length..].Trim();
        var file = InfraFileReader.Read(name, name, newline < 0 ? "" : sample[(newline + 1)..]);
        if (file is null)
        {
            problem = $"'{name}' is not read as an infrastructure file";
            return null;
        }
        return analyzer.Analyze([file]).Any(f => f.RuleId == rule.Id);
    }
}
