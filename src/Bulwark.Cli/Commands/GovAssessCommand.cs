using System.CommandLine;
using System.Globalization;
using Bulwark.Governance.Assessment;
using Bulwark.Governance.Inventory;
using Bulwark.Kernel;
using Bulwark.Scanning;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark gov assess PATH</c>: the five-pillar posture of a project, from its scan findings, gateway configuration,
/// AI inventory and questionnaire (docs/governance-assess.md). Exit 1 when the overall score is under --fail-under.
/// </summary>
internal static class GovAssessCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var path = new Argument<string>("path") { Description = "The project tree to assess", DefaultValueFactory = _ => "." };
        var inventory = new Option<string?>("--inventory") { Description = $"The AI inventory (default: PATH/{AiInventoryReader.FileName})" };
        var answers = new Option<string?>("--answers") { Description = $"The questionnaire answers (default: PATH/{ProjectAssessment.QuestionnaireFile})" };
        var gatewayConfig = new Option<string?>("--gateway-config") { Description = "The Bulwark gateway configuration (default: the first gateway.yaml or bulwark-gateway.yaml in PATH)" };
        var gatewayDb = new Option<string?>("--gateway-db") { Description = "The gateway's database (SQLite file, postgres://…, or env:VAR): key rotation, and the models called through the gateway in the last 30 days" };
        var discoverReports = new Option<string[]>("--discover-report") { Description = "A `bulwark discover --format json` report: shadow AI seen in network logs (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var previous = new Option<string?>("--previous") { Description = "A previous `gov assess --format json` report, to show the trend" };
        var format = new Option<string>("--format", "-f") { Description = "Output: table, json, md or html", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "md", "html");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var failUnder = new Option<double?>("--fail-under") { Description = "Exit 1 when the overall score is under this (0-100)" };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of paths the scan skips, gitignore syntax (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw the scan's progress bar" };
        var command = new Command("assess", "Score a project's posture on the five pillars from scan findings, gateway configuration, AI inventory and questionnaire; framework coverage and a ranked remediation list")
        {
            path, inventory, answers, gatewayConfig, gatewayDb, discoverReports, previous, format, output, failUnder, exclude, noProgress,
        };
        CommonOptions.AddRuleAndNerOptions(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var threshold = parse.GetValue(failUnder);
            if (threshold is < 0 or > 100) throw new BulwarkInputException("--fail-under must be between 0 and 100");
            var catalog = CommonOptions.LoadCatalog(parse);
            using var ner = CommonOptions.LoadNerModel(parse);
            var root = parse.GetValue(path)!;
            var options = new ProjectAssessmentOptions
            {
                InventoryPath = parse.GetValue(inventory),
                QuestionnairePath = parse.GetValue(answers),
                GatewayConfigPath = parse.GetValue(gatewayConfig),
                Gateway = parse.GetValue(gatewayDb) is { } db ? GatewayEvidence.Read(db) : null,
                DiscoverReports = parse.GetValue(discoverReports) ?? [],
                Scan = new ScanOptions { Roots = [root], Excludes = parse.GetValue(exclude) ?? [], Ner = ner },
                ToolVersion = ToolVersion.Current,
            };
            var assessment = ScanCommand.ShowsProgress(parse.GetValue(noProgress), stderr)
                ? ScanCommand.WithProgress(stderr, "Assessing", progress => ProjectAssessment.Assess(root, catalog, options with { Scan = options.Scan! with { Progress = progress } }, cancellationToken))
                : ProjectAssessment.Assess(root, catalog, options, cancellationToken);
            if (parse.GetValue(previous) is { } before) assessment = AssessmentDiffer.WithDiff(assessment, before);
            Write(assessment, parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, rawStdout);
            return Task.FromResult(threshold is { } t && assessment.Overall < t ? ExitCodes.Findings : ExitCodes.Clean);
        });
        return command;
    }

    private static void Write(PostureAssessment assessment, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout) =>
        ReportOutput.Deliver(format, output, stdout, stderr, rawStdout, Summary(assessment), console => Render(assessment, console),
            s => AssessmentJsonWriter.Write(assessment, s), w => AssessmentMarkdownWriter.Write(assessment, w), w => AssessmentHtmlWriter.Write(assessment, w));

    private static string Summary(PostureAssessment a) =>
        string.Create(CultureInfo.InvariantCulture, $"overall {a.Overall:0.#}/100 ({string.Join(", ", a.Pillars.Select(p => $"{AssessmentNames.Of(p.Pillar)} {p.Score:0}"))}); {a.Remediation.Count} remediation items");

    private static void Render(PostureAssessment a, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[bold]AI security posture[/] of {a.Sources.Root}: [bold]{a.Overall.ToString("0.#", CultureInfo.InvariantCulture)}/100[/]");
        var pillars = new Table().AddColumns("Pillar", "Score", "Pass", "Partial", "Fail", "Unanswered");
        foreach (var p in a.Pillars)
        {
            var checks = a.Checks.Where(c => c.Pillar == p.Pillar).ToList();
            pillars.AddRow(AssessmentNames.Title(p.Pillar), p.Score.ToString("0.#", CultureInfo.InvariantCulture),
                Count(checks, CheckOutcome.Pass), Count(checks, CheckOutcome.Partial), Count(checks, CheckOutcome.Fail), Count(checks, CheckOutcome.Unanswered));
        }
        console.Write(pillars);
        if (a.Diff is { } diff)
            console.MarkupLineInterpolated($"Since {diff.PreviousPath}: {diff.OverallDelta(a.Overall).ToString("+0.#;-0.#;±0", CultureInfo.InvariantCulture)} overall, {diff.Changes.Count} checks changed");
        var frameworks = new Table().AddColumns("Framework", "Controls", "Met", "Gaps", "Not assessed");
        foreach (var f in a.Frameworks) frameworks.AddRow(Markup.Escape(f.Name), $"{f.Controls.Count}", $"{f.Met}", $"{f.Gaps}", $"{f.NotAssessed}");
        console.Write(frameworks);
        var remediation = new Table().AddColumns("#", "Check", "What to do", "Gain");
        foreach (var r in a.Remediation.Take(15))
            remediation.AddRow($"{r.Rank}", Markup.Escape(r.Check), Markup.Escape(r.Action), $"+{r.Gain.ToString("0.0", CultureInfo.InvariantCulture)}");
        console.Write(remediation);
        if (a.Remediation.Count > 15) console.MarkupLineInterpolated($"[grey]… {a.Remediation.Count - 15} more; --format html or md for all, with evidence[/]");
    }

    private static string Count(List<CheckResult> checks, CheckOutcome outcome) => checks.Count(c => c.Outcome == outcome).ToString(CultureInfo.InvariantCulture);

}
