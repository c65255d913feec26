using Bulwark.Infra.Checks;
using Bulwark.Infra.Workloads;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Infra;

/// <summary>
/// The infrastructure checks over a set of parsed files: adds the <c>workload</c> resources (which join objects of
/// several files), runs every <c>infra-check</c> rule on the resources of its types, and reports each parse error
/// under <see cref="InfraRuleIds.ParseError"/>. Findings point at the value that failed, in the file it is written in.
/// </summary>
public sealed class InfraAnalyzer
{
    /// <summary>The detector name of rules whose <c>check:</c> this class runs.</summary>
    public const string CheckDetector = "infra-check";

    private const int MaxEvidence = 120;
    private readonly List<InfraCheck> _checks;
    private readonly Rule? _parseError;

    public InfraAnalyzer(IEnumerable<Rule> rules)
    {
        var infra = rules.Where(r => r.IsInfraRule).ToList();
        _checks = infra.Where(r => r.Detector == CheckDetector).Select(InfraCheckCompiler.Compile).ToList();
        _parseError = infra.FirstOrDefault(r => r.Id == InfraRuleIds.ParseError);
    }

    /// <summary>Whether any rule is left to run (all infrastructure rules may be disabled).</summary>
    public bool HasRules => _checks.Count > 0 || _parseError is not null;

    public IReadOnlyList<Finding> Analyze(IReadOnlyList<InfraFile> files, CancellationToken cancellationToken = default)
    {
        var findings = new List<Finding>();
        if (_parseError is not null)
        {
            foreach (var file in files)
                foreach (var error in file.Errors) findings.Add(ParseErrorFinding(_parseError, file, error));
        }
        var resources = files.SelectMany(f => f.Resources).ToList();
        resources.AddRange(WorkloadBuilder.Build(resources));
        var index = new InfraResourceIndex(resources);
        foreach (var check in _checks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var resource in check.Types.SelectMany(index.OfType))
            {
                var scope = new CheckScope(resource, index);
                if (check.When is not null && !check.When.Evaluate(resource.Body, scope).Holds) continue;
                var outcome = check.Fail.Evaluate(resource.Body, scope);
                if (outcome.Holds) findings.Add(CheckFinding(check, resource, outcome.At));
            }
        }
        return findings;
    }

    private static Finding CheckFinding(InfraCheck check, InfraResource resource, InfraValue? at)
    {
        var rule = check.Rule;
        var path = at?.File ?? resource.Path;
        var line = at?.Line ?? resource.Line;
        var column = at?.Column ?? resource.Body.Column;
        var evidence = at is InfraScalar scalar ? Clip(scalar.Text) : resource.Address;
        return new Finding
        {
            RuleId = rule.Id,
            RuleName = rule.Name,
            Pillar = rule.Pillar,
            Severity = rule.Severity,
            Confidence = rule.Confidence,
            Message = MessageTemplate.Render(check.Message, rule, resource),
            Location = new Location(path, line, column, line, column, 0, 0) { Place = resource.Address },
            Evidence = evidence,
            Fingerprint = Fingerprints.Of(rule.Id, resource.Path, resource.Address),
            Tags = rule.Tags,
            Score = Text.TextMatch.ConfidenceScore(rule.Confidence),
            EntityType = "INFRA",
        };
    }

    private static Finding ParseErrorFinding(Rule rule, InfraFile file, InfraParseError error) => new()
    {
        RuleId = rule.Id,
        RuleName = rule.Name,
        Pillar = rule.Pillar,
        Severity = rule.Severity,
        Confidence = rule.Confidence,
        Message = $"{file.Format} file not fully read: {error.Message}",
        Location = new Location(file.Path, error.Line, error.Column, error.Line, error.Column, 0, 0),
        Evidence = Clip(error.Message),
        Fingerprint = Fingerprints.Of(rule.Id, file.Path, $"{error.Line}:{error.Column}:{error.Message}"),
        Tags = rule.Tags,
        Score = 1.0,
        EntityType = "INFRA",
    };

    private static string Clip(string text) => text.Length <= MaxEvidence ? text : text[..MaxEvidence] + "…";
}

/// <summary>
/// A check's <c>message</c>: <c>{address}</c>, <c>{name}</c> and <c>{some.path}</c> (the first value at that path
/// in the resource) are filled in; without a message, the rule's name and the resource's address.
/// </summary>
internal static class MessageTemplate
{
    public static string Render(string? template, Rule rule, InfraResource resource)
    {
        if (string.IsNullOrWhiteSpace(template)) return $"{rule.Name} ({resource.Address})";
        var text = new System.Text.StringBuilder();
        var at = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf('{', at);
            var close = open < 0 ? -1 : template.IndexOf('}', open);
            if (close < 0)
            {
                text.Append(template, at, template.Length - at);
                break;
            }
            text.Append(template, at, open - at);
            var key = template[(open + 1)..close];
            text.Append(key switch
            {
                "address" => resource.Address,
                "name" => resource.Name,
                _ => new InfraPath(key).Scalars(resource.Body).FirstOrDefault()?.Text ?? "?",
            });
            at = close + 1;
        }
        return text.ToString();
    }
}
