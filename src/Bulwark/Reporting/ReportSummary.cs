using Bulwark.Kernel;

namespace Bulwark.Reporting;

/// <summary>Counts every human-readable report shows, computed once.</summary>
public sealed class ReportSummary
{
    public ReportSummary(ScanResult result)
    {
        Severities = Enum.GetValues<Severity>().Reverse().ToArray();
        Pillars = Enum.GetValues<Pillar>();
        foreach (var finding in result.Findings)
        {
            _counts[(finding.Pillar, finding.Severity)] = _counts.GetValueOrDefault((finding.Pillar, finding.Severity)) + 1;
        }
        ByFile = result.Findings.GroupBy(f => f.Location.Path, StringComparer.Ordinal).ToList();
    }

    private readonly Dictionary<(Pillar, Severity), int> _counts = [];

    public IReadOnlyList<Severity> Severities { get; }
    public IReadOnlyList<Pillar> Pillars { get; }
    public IReadOnlyList<IGrouping<string, Finding>> ByFile { get; }

    public int Count(Pillar pillar, Severity severity) => _counts.GetValueOrDefault((pillar, severity));
    public int Count(Pillar pillar) => Severities.Sum(s => Count(pillar, s));
    public int Count(Severity severity) => Pillars.Sum(p => Count(p, severity));
}
