using System.Globalization;
using System.Net;
using Bulwark.Kernel;

namespace Bulwark.Governance.Assessment;

/// <summary>
/// Writes a <see cref="PostureAssessment"/> as one self-contained HTML page (no scripts, no external assets): the
/// overall score, a five-pillar radar chart, a bar per framework, the ranked remediation list, and per pillar its
/// checks, each opening onto its evidence.
/// </summary>
public static class AssessmentHtmlWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#111827;padding:0 1rem}
        h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #e5e7eb;padding-bottom:.3rem}
        .meta{color:#4b5563}.overall{font-size:2.6rem;font-weight:700}
        .top{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:center}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.8rem;flex:1;min-width:300px}
        .pillar-card{border:1px solid #e5e7eb;border-radius:8px;padding:.7rem;color:inherit;text-decoration:none}.pillar-card b{display:block;font-size:1.6rem}
        table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e5e7eb;vertical-align:top}
        .pass{color:#15803d}.partial{color:#b45309}.fail{color:#b91c1c}.unanswered{color:#6d28d9}.na{color:#6b7280}
        .badge{font-weight:600;text-transform:uppercase;font-size:.8rem}
        details{margin:.2rem 0}summary{cursor:pointer}ul.evidence{margin:.3rem 0 .6rem 1.2rem;font-size:.92rem}
        code{background:#f3f4f6;padding:0 .25rem;border-radius:3px}.bar-label{font-size:13px}
        .up{color:#15803d}.down{color:#b91c1c}td.where{font-size:.8rem;color:#4b5563;overflow-wrap:anywhere;max-width:360px}
        """;

    public static void Write(PostureAssessment assessment, TextWriter w)
    {
        w.WriteLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        w.WriteLine($"<title>AI security posture: {E(assessment.Sources.Root)}</title><style>{Style}</style></head><body>");
        w.WriteLine("<h1>AI security posture</h1>");
        w.WriteLine($"<p class=\"meta\">{E(assessment.Sources.Root)} · assessed {assessment.AssessedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant)} · Bulwark {E(assessment.ToolVersion)}</p>");
        WriteOverview(assessment, w);
        if (assessment.Diff is { } diff) WriteDiff(diff, assessment.Overall, w);
        WriteFrameworks(assessment, w);
        WriteRemediation(assessment, w);
        foreach (var pillar in assessment.Pillars) WritePillar(assessment, pillar, w);
        WriteSources(assessment.Sources, w);
        w.WriteLine("</body></html>");
    }

    private static void WriteOverview(PostureAssessment a, TextWriter w)
    {
        w.WriteLine("<section id=\"overview\"><h2>Five pillars</h2><div class=\"top\">");
        w.WriteLine(RadarChart.Svg([.. a.Pillars.Select(p => (AssessmentNames.Title(p.Pillar), p.Score))], "radar"));
        w.WriteLine($"<div><div class=\"overall\">{a.Overall.ToString("0", Invariant)}<small>/100</small></div><p class=\"meta\">overall: the mean of the five pillar scores</p><div class=\"cards\">");
        foreach (var p in a.Pillars)
        {
            var checks = a.Checks.Where(c => c.Pillar == p.Pillar).ToList();
            w.WriteLine($"<a class=\"pillar-card\" data-pillar=\"{AssessmentNames.Of(p.Pillar)}\" href=\"#pillar-{AssessmentNames.Of(p.Pillar)}\">{AssessmentNames.Title(p.Pillar)}<b>{p.Score.ToString("0", Invariant)}</b>"
                + $"<span class=\"meta\">{checks.Count(c => c.Outcome == CheckOutcome.Pass)} of {checks.Count(c => c.Counts)} checks pass</span></a>");
        }
        w.WriteLine("</div></div></div></section>");
    }

    private static void WriteDiff(AssessmentDiff diff, double overall, TextWriter w)
    {
        w.WriteLine("<section id=\"trend\"><h2>Since the previous assessment</h2>");
        w.WriteLine($"<p>Previous: {E(diff.PreviousPath)} ({diff.PreviousAssessedAt.ToString("yyyy-MM-dd", Invariant)}). Overall {diff.PreviousOverall.ToString("0.#", Invariant)} → {overall.ToString("0.#", Invariant)} {Delta(diff.OverallDelta(overall))}</p>");
        w.WriteLine("<table><tr><th>Pillar</th><th>Previous</th><th>Now</th><th>Change</th></tr>");
        foreach (var p in diff.Pillars)
            w.WriteLine($"<tr><td>{AssessmentNames.Title(p.Pillar)}</td><td>{p.Previous.ToString("0.#", Invariant)}</td><td>{p.Current.ToString("0.#", Invariant)}</td><td>{Delta(p.Delta)}</td></tr>");
        w.WriteLine("</table>");
        if (diff.Changes.Count > 0)
        {
            w.WriteLine("<table><tr><th>Check</th><th>Was</th><th>Now</th></tr>");
            foreach (var c in diff.Changes)
                w.WriteLine($"<tr><td><code>{E(c.Check)}</code> {E(c.Title)}</td><td>{Outcome(c.Previous)}</td><td>{Outcome(c.Current)}</td></tr>");
            w.WriteLine("</table>");
        }
        w.WriteLine("</section>");
    }

    private static void WriteFrameworks(PostureAssessment a, TextWriter w)
    {
        const int labelWidth = 350, barWidth = 470, rowHeight = 30;
        w.WriteLine("<section id=\"frameworks\"><h2>Framework coverage</h2>");
        w.WriteLine("<p class=\"meta\">Per framework, the share of its controls the assessment evidences as <span class=\"pass\">met</span>, shows a <span class=\"partial\">gap</span> in, or does <span class=\"na\">not assess</span>.</p>");
        var height = a.Frameworks.Count * rowHeight + 10;
        w.WriteLine($"<svg id=\"framework-bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelWidth + barWidth + 180}\" height=\"{height}\" role=\"img\" aria-label=\"Framework coverage bars\">");
        for (var i = 0; i < a.Frameworks.Count; i++)
        {
            var f = a.Frameworks[i];
            var y = i * rowHeight + 5;
            w.WriteLine($"<text class=\"bar-label\" x=\"0\" y=\"{y + 17}\">{E(ShortName(f.Name))}</text>");
            var x = (double)labelWidth;
            foreach (var (count, colour) in new[] { (f.Met, "#16a34a"), (f.Gaps, "#f59e0b"), (f.NotAssessed, "#d1d5db") })
            {
                var width = f.Controls.Count == 0 ? 0 : barWidth * (double)count / f.Controls.Count;
                if (width > 0) w.WriteLine(string.Create(Invariant, $"<rect x=\"{x:0.#}\" y=\"{y}\" width=\"{width:0.#}\" height=\"22\" fill=\"{colour}\"/>"));
                x += width;
            }
            w.WriteLine($"<text class=\"bar-label\" x=\"{labelWidth + barWidth + 8}\" y=\"{y + 17}\">{f.Met}/{f.Controls.Count} met, {f.Gaps} gaps</text>");
        }
        w.WriteLine("</svg>");
        foreach (var f in a.Frameworks.Where(f => f.Met + f.Gaps > 0))
        {
            w.WriteLine($"<details><summary>{E(f.Name)}: controls evidenced ({f.Met + f.Gaps})</summary><table><tr><th>Control</th><th>State</th><th>Checks</th></tr>");
            foreach (var c in f.Controls.Where(c => c.State != ControlState.NotAssessed))
                w.WriteLine($"<tr><td><code>{E(c.Id)}</code> {E(c.Title)}</td><td class=\"{(c.State == ControlState.Met ? "pass" : "partial")}\">{AssessmentNames.Of(c.State)}</td><td>{string.Join(" ", c.Checks.Select(id => $"<a href=\"#check-{E(id)}\">{E(id)}</a>"))}</td></tr>");
            w.WriteLine("</table></details>");
        }
        w.WriteLine("</section>");
    }

    private static void WriteRemediation(PostureAssessment a, TextWriter w)
    {
        w.WriteLine("<section id=\"remediation\"><h2>Remediation, most valuable first</h2>");
        if (a.Remediation.Count == 0)
        {
            w.WriteLine("<p>Every check passes.</p></section>");
            return;
        }
        w.WriteLine("<table><tr><th>#</th><th>Pillar</th><th>What to do</th><th>Gain</th><th>Where</th></tr>");
        foreach (var r in a.Remediation)
            w.WriteLine($"<tr><td>{r.Rank}</td><td>{AssessmentNames.Title(r.Pillar)}</td><td><a href=\"#check-{E(r.Check)}\"><code>{E(r.Check)}</code></a> {E(r.Action)}</td>"
                + $"<td>+{r.Gain.ToString("0.0", Invariant)}</td><td class=\"where\">{string.Join("<br>", r.Where.Select(E))}</td></tr>");
        w.WriteLine("</table><p class=\"meta\">Gain: overall points won back when the check passes.</p></section>");
    }

    private static void WritePillar(PostureAssessment a, PillarScore pillar, TextWriter w)
    {
        var name = AssessmentNames.Of(pillar.Pillar);
        w.WriteLine($"<section class=\"pillar\" id=\"pillar-{name}\" data-pillar=\"{name}\"><h2>{AssessmentNames.Title(pillar.Pillar)}: {pillar.Score.ToString("0", Invariant)}/100</h2>");
        w.WriteLine(string.Create(Invariant, $"<p class=\"meta\">{pillar.Earned:0.#} of {pillar.Possible:0.#} weighted points.</p>"));
        foreach (var check in a.Checks.Where(c => c.Pillar == pillar.Pillar))
        {
            w.WriteLine($"<details id=\"check-{E(check.Id)}\"><summary>{Outcome(check.Outcome)} <code>{E(check.Id)}</code> {E(check.Title)} <span class=\"meta\">(weight {check.Weight.ToString("0.#", Invariant)}, {AssessmentNames.Of(check.Source)})</span></summary>");
            w.WriteLine("<ul class=\"evidence\">");
            foreach (var e in check.Evidence)
            {
                var where = e.File is null ? "" : $" <span class=\"meta\">{E(e.Line is null ? e.File : $"{e.File}:{e.Line}")}</span>";
                var severity = e.Severity is { } s ? $" <span class=\"badge\">{s.ToLowerName()}</span>" : "";
                w.WriteLine($"<li><code>{E(e.Reference)}</code>{severity} {E(e.Detail)}{where}</li>");
            }
            w.WriteLine("</ul>");
            if (check.Credit < 1 && check.Counts) w.WriteLine($"<p><b>Fix:</b> {E(check.Remediation)}</p>");
            if (check.Tags.Count > 0) w.WriteLine($"<p class=\"meta\">Evidences {E(string.Join(", ", check.Tags.Where(t => !t.StartsWith("cwe:", StringComparison.Ordinal)).Take(12)))}</p>");
            w.WriteLine("</details>");
        }
        w.WriteLine("</section>");
    }

    private static void WriteSources(AssessmentSources s, TextWriter w)
    {
        w.WriteLine("<section id=\"sources\"><h2>What was assessed</h2><ul>");
        w.WriteLine($"<li>Scan: {s.FilesScanned.ToString("N0", Invariant)} files, {s.Findings.ToString("N0", Invariant)} findings</li>");
        w.WriteLine($"<li>Inventory: {E(s.Inventory ?? "none")}</li><li>Questionnaire: {E(s.Questionnaire ?? "none")}</li>");
        w.WriteLine($"<li>Gateway: {E(s.GatewayConfig ?? "none")}{(s.GatewayKeys is null ? "" : $" ({E(s.GatewayKeys)})")}</li>");
        foreach (var note in s.Notes) w.WriteLine($"<li>{E(note)}</li>");
        w.WriteLine("</ul><p class=\"meta\">Scoring: a check earns full credit when it passes, half when partial, none when it fails or is unanswered; n/a checks are left out. A pillar scores 100 × its weighted credit over its weight (docs/governance-assess.md).</p></section>");
    }

    private static string Outcome(CheckOutcome? outcome) => outcome is null
        ? "<span class=\"badge na\">—</span>"
        : $"<span class=\"badge {(outcome == CheckOutcome.NotApplicable ? "na" : AssessmentNames.Of(outcome.Value))}\">{AssessmentNames.Of(outcome.Value)}</span>";

    private static string Delta(double delta) => delta switch
    {
        > 0.05 => $"<span class=\"up\">+{delta.ToString("0.#", Invariant)}</span>",
        < -0.05 => $"<span class=\"down\">{delta.ToString("0.#", Invariant)}</span>",
        _ => "±0",
    };

    /// <summary>A framework name that fits the bar label: a long trailing parenthesis goes.</summary>
    private static string ShortName(string name) =>
        name.Length > 48 && name.LastIndexOf(" (", StringComparison.Ordinal) is > 0 and var cut ? name[..cut] : name;

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
