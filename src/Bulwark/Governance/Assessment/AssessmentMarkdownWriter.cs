using System.Globalization;

namespace Bulwark.Governance.Assessment;

/// <summary>Writes a <see cref="PostureAssessment"/> as Markdown: scores, trend, framework coverage, remediation, then every check with its evidence.</summary>
public static class AssessmentMarkdownWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Write(PostureAssessment a, TextWriter w)
    {
        w.WriteLine($"# AI security posture: {a.Sources.Root}");
        w.WriteLine();
        w.WriteLine($"Assessed {a.AssessedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant)} by Bulwark {a.ToolVersion}. **Overall {a.Overall.ToString("0.#", Invariant)}/100** (the mean of the five pillars).");
        w.WriteLine();
        w.WriteLine("| Pillar | Score | Checks passing |");
        w.WriteLine("|---|---:|---:|");
        foreach (var p in a.Pillars)
        {
            var checks = a.Checks.Where(c => c.Pillar == p.Pillar).ToList();
            w.WriteLine($"| {AssessmentNames.Title(p.Pillar)} | {p.Score.ToString("0.#", Invariant)} | {checks.Count(c => c.Outcome == CheckOutcome.Pass)}/{checks.Count(c => c.Counts)} |");
        }
        if (a.Diff is { } diff)
        {
            w.WriteLine();
            w.WriteLine($"## Since {diff.PreviousPath} ({diff.PreviousAssessedAt.ToString("yyyy-MM-dd", Invariant)})");
            w.WriteLine();
            w.WriteLine(string.Create(Invariant, $"Overall {diff.PreviousOverall:0.#} → {a.Overall:0.#} ({diff.OverallDelta(a.Overall):+0.#;-0.#;±0})."));
            w.WriteLine();
            foreach (var p in diff.Pillars) w.WriteLine(string.Create(Invariant, $"- {AssessmentNames.Title(p.Pillar)}: {p.Previous:0.#} → {p.Current:0.#} ({p.Delta:+0.#;-0.#;±0})"));
            foreach (var c in diff.Changes)
                w.WriteLine($"- `{c.Check}` {c.Title}: {(c.Previous is { } was ? AssessmentNames.Of(was) : "new")} → {(c.Current is { } now ? AssessmentNames.Of(now) : "gone")}");
        }
        w.WriteLine();
        w.WriteLine("## Framework coverage");
        w.WriteLine();
        w.WriteLine("| Framework | Controls | Met | Gaps | Not assessed |");
        w.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var f in a.Frameworks) w.WriteLine($"| {f.Name} | {f.Controls.Count} | {f.Met} | {f.Gaps} | {f.NotAssessed} |");
        w.WriteLine();
        w.WriteLine("## Remediation, most valuable first");
        w.WriteLine();
        if (a.Remediation.Count == 0) w.WriteLine("Every check passes.");
        foreach (var r in a.Remediation)
        {
            var where = r.Where.Count == 0 ? "" : $" ({string.Join(", ", r.Where.Select(x => $"`{x}`"))})";
            w.WriteLine($"{r.Rank}. **{r.Title}** [`{r.Check}`, {AssessmentNames.Title(r.Pillar)}, +{r.Gain.ToString("0.0", Invariant)}]: {r.Action}{where}");
        }
        foreach (var p in a.Pillars)
        {
            w.WriteLine();
            w.WriteLine($"## {AssessmentNames.Title(p.Pillar)}: {p.Score.ToString("0.#", Invariant)}/100");
            w.WriteLine();
            foreach (var c in a.Checks.Where(c => c.Pillar == p.Pillar))
            {
                w.WriteLine($"- **{AssessmentNames.Of(c.Outcome)}** `{c.Id}` {c.Title} (weight {c.Weight.ToString("0.#", Invariant)}, {AssessmentNames.Of(c.Source)})");
                foreach (var e in c.Evidence)
                {
                    var where = e.File is null ? "" : $" — `{(e.Line is null ? e.File : $"{e.File}:{e.Line}")}`";
                    w.WriteLine($"  - `{e.Reference}` {e.Detail}{where}");
                }
            }
        }
    }
}
