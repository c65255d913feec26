using Bulwark.Kernel.Guards;
using Bulwark.Kernel.RulePacks;
using Bulwark.Kernel;

namespace Bulwark.Data;

/// <summary>
/// The data pillar as a guard: secrets (and, with their rule families, other sensitive data) in a prompt or an
/// answer, each match a span the pipeline can redact. The same rules and detector as <c>bulwark scan</c>.
/// </summary>
public sealed class DataLeakGuard(IReadOnlyList<Rule> rules, string name = DataLeakGuard.DefaultName) : IGuard
{
    public const string DefaultName = "secrets";

    private readonly TextDetector _detector = new(rules, ScanLimits.Default, TimeProvider.System);

    /// <summary>A guard over the catalog's rules of the given families (<c>secret</c> by default).</summary>
    public static DataLeakGuard ForFamilies(RuleCatalog catalog, IReadOnlyCollection<string> families, string name = DefaultName) =>
        new(catalog.Rules.Where(r => families.Contains(r.Family)).ToList(), name);

    public string Name => name;

    public IReadOnlyList<Rule> Rules => _detector.Rules;

    public IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken) =>
        _detector.MatchText(text)
            .Select(m => new GuardHit(Name, m.Rule.Id, (float)TextDetector.Score(m.Rule.Confidence), (int)m.Start + m.SecretOffset, m.SecretLength, m.Rule.Name))
            .ToList();
}
