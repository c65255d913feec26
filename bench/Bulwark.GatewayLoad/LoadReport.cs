using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.GatewayLoad;

/// <summary>Everything one run measured, and the two files it is written to (JSON for tools, Markdown for people).</summary>
public sealed record LoadReport(
    LoadPlan Plan,
    IReadOnlyList<Measurement> Measurements,
    IReadOnlyList<TargetSummary> Summaries,
    IReadOnlyList<AddedLatency> AddedLatency,
    IReadOnlyList<Verdict> Verdicts)
{
    public static LoadReport Of(LoadPlan plan, IReadOnlyList<Measurement> measurements)
    {
        var summaries = TargetSummary.Of(measurements);
        return new LoadReport(plan, measurements, summaries, IssueTargets.Added(summaries), plan.JudgeGatewayTargets ? IssueTargets.Judge(summaries) : []);
    }

    /// <summary>The measurements of an earlier run's JSON report.</summary>
    public static IReadOnlyList<Measurement> ReadMeasurements(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!["measurements"].Deserialize<List<Measurement>>(LoadPlan.Json)
            ?? throw new InvalidDataException($"{path}: no measurements");

    public void Write()
    {
        File.WriteAllText(Plan.OutJson, JsonSerializer.Serialize(new
        {
            run = Plan.Run,
            prompt = new { userCharacters = ChatPrompt.User.Length, bodyBytes = ChatPrompt.Body("demo", stream: false).Length },
            plan = new { Plan.Rounds, Plan.PrimingSeconds, Plan.WarmupSeconds, Plan.DurationSeconds, Plan.Phases, targets = Plan.Targets.Select(t => new { t.Name, t.Label, t.Url, t.Model }) },
            verdicts = Verdicts,
            summaries = Summaries,
            addedLatency = AddedLatency,
            measurements = Measurements,
        }, LoadPlan.Json) + "\n");
        File.WriteAllText(Plan.OutMarkdown, Markdown());
    }

    private string Markdown()
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# {Plan.Title}").AppendLine();
        md.AppendLine(c, $"Written by `{Plan.Script}`; raw figures per round in `{Path.GetFileName(Plan.OutJson)}`.").AppendLine();
        md.AppendLine("```bash").AppendLine(Plan.Run.GetValueOrDefault("command", "bash " + Plan.Script)).AppendLine("```").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        foreach (var (key, value) in Plan.Run.Where(kv => kv.Key != "command")) md.AppendLine(c, $"| {key} | {value} |");
        md.AppendLine(c, $"| prompt | one system message ({ChatPrompt.SystemMessage.Length} characters) + one user message of {ChatPrompt.User.Length} characters (1 KB, benign: a support ticket to summarise); the mock echoes it back |");
        md.AppendLine(c, $"| method | closed loop: each connection sends the next request when the answer has been read in full and checked; first {Plan.PrimingSeconds:0.#} s of uncounted load per target and phase (JIT tiers, V8), then per measurement {Plan.WarmupSeconds:0.#} s warm-up then {Plan.DurationSeconds:0.#} s counted, per target and phase; {Plan.Rounds} rounds, the target order rotated each time; medians over rounds |").AppendLine();

        if (Verdicts.Count > 0)
        {
            md.AppendLine("## Targets").AppendLine().AppendLine("| target | measured | verdict |").AppendLine("|---|---|---|");
            foreach (var v in Verdicts) md.AppendLine(c, $"| {v.Goal} | {v.Measured} | **{v.Status}** |");
            md.AppendLine();
        }

        foreach (var phase in Plan.Phases)
        {
            md.AppendLine(c, $"## {phase.Name}: {(phase.Stream ? "streamed" : "whole")} answers, {phase.Connections} connection{(phase.Connections == 1 ? "" : "s")}").AppendLine();
            md.AppendLine("| target | req/s | p50 ms | p90 ms | p99 ms | errors | target CPU ms/req | upstream CPU ms/req | client CPU ms/req | req/s per round |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var target in Plan.Targets)
            {
                var s = Summaries.FirstOrDefault(x => x.Phase == phase.Name && x.Target == target.Name);
                if (s is null) continue;
                md.AppendLine(c, $"| {target.Label} | {s.RequestsPerSecond:0} | {s.P50:0.000} | {s.P90:0.000} | {s.P99:0.000} | {s.Errors} | {Cpu(s.TargetCpuMsPerRequest)} | {Cpu(s.UpstreamCpuMsPerRequest)} | {s.ClientCpuMsPerRequest:0.000} | {string.Join(", ", s.RoundRequestsPerSecond.Select(r => r.ToString("0", c)))} |");
            }
            var added = AddedLatency.Where(a => a.Phase == phase.Name).ToList();
            if (added.Count > 0)
            {
                md.AppendLine().Append("Added over direct: ");
                md.AppendLine(string.Join("; ", added.Select(a => string.Create(c, $"{Label(a.Target)} p50 +{a.AddedP50:0.000} ms, p99 +{a.AddedP99:0.000} ms"))) + ".");
            }
            md.AppendLine();
        }
        var errors = Measurements.Where(m => m.FirstError is not null)
            .GroupBy(m => (m.Target, m.Phase, Error: OneLine(m.FirstError!)))
            .Select(g => $"- {Label(g.Key.Target)}, {g.Key.Phase}, {g.Count()} of {Plan.Rounds} rounds: `{g.Key.Error}`").ToList();
        if (errors.Count > 0) md.AppendLine("## Errors (the first of each measurement)").AppendLine().AppendLine(string.Join("\n", errors)).AppendLine();
        return md.ToString();
    }

    /// <summary>An error body on one line, its stream events joined, short enough for a list item.</summary>
    private static string OneLine(string error)
    {
        var line = string.Join(" ", error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace('`', '\'');
        return line.Length <= 400 ? line : line[..400] + "…";
    }

    private string Label(string target) => Plan.Targets.FirstOrDefault(t => t.Name == target)?.Label ?? target;

    private static string Cpu(double? msPerRequest) => msPerRequest is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";
}
