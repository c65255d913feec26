using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Data.Poisoning;
using Bulwark.Kernel;
using Bulwark.Scanning;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark data audit FILE --text-field F --label-field F</c>: poisoning and integrity checks for a labelled
/// dataset (JSONL, CSV, TSV). Console table by default, <c>--json</c> for machines; exit 1 when anything was found.
/// </summary>
internal static class DataCommand
{
    public static Command Create(IAnsiConsole stdout, TextWriter rawStdout)
    {
        var file = new Argument<string>("file") { Description = "Labelled dataset: .jsonl, .csv or .tsv (with a header)" };
        var textField = new Option<string>("--text-field") { Description = "Field (or column) holding the text", DefaultValueFactory = _ => "text" };
        var labelField = new Option<string>("--label-field") { Description = "Field (or column) holding the label", DefaultValueFactory = _ => "label" };
        var json = new Option<bool>("--json") { Description = "Write the audit as JSON on stdout" };
        var seed = new Option<int>("--seed") { Description = "Seed for the cross-validation folds", DefaultValueFactory = _ => 20261124 };
        var audit = new Command("audit", "Check a labelled dataset for poisoning: duplicates, label conflicts, backdoor triggers, mislabels, outliers, hidden characters and instructions")
            { file, textField, labelField, json, seed };
        CommonOptions.AddRuleOptions(audit);
        audit.SetAction(parse =>
        {
            var rows = LabeledDataset.Read(parse.GetValue(file)!, parse.GetValue(textField)!, parse.GetValue(labelField)!);
            var instructionRules = CommonOptions.LoadCatalog(parse).Rules.Where(r => r.Family == Bulwark.Usage.PromptAttackClassifier.Family).ToList();
            var result = new DatasetAuditor(instructionRules, parse.GetValue(seed)).Audit(rows);
            if (parse.GetValue(json)) rawStdout.WriteLine(ToJson(result));
            else Render(result, stdout);
            return result.Issues.Count == 0 ? ExitCodes.Clean : ExitCodes.Findings;
        });
        var paths = new Argument<string[]>("path") { Description = "Files or folders to classify", Arity = ArgumentArity.OneOrMore };
        var all = new Option<bool>("--all") { Description = "List public files too" };
        var classifyJson = new Option<bool>("--json") { Description = "Write the classifications as JSON on stdout" };
        var classify = new Command("classify", "Sensitivity level of every file (public, internal, confidential, restricted) from the data it holds") { paths, all, classifyJson };
        CommonOptions.AddRuleOptions(classify);
        classify.SetAction((parse, cancellationToken) =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            var roots = parse.GetValue(paths)!;
            foreach (var root in roots.Where(r => !File.Exists(r) && !Directory.Exists(r))) throw new BulwarkInputException($"path '{root}' does not exist");
            var result = new Scanner(catalog, new ScanOptions { Roots = roots }).Run(cancellationToken);
            if (parse.GetValue(classifyJson)) rawStdout.WriteLine(JsonSerializer.Serialize(result.Classifications, ClassificationJson));
            else ConsoleReport.WriteClassifications(result, stdout, parse.GetValue(all));
            return Task.FromResult(ExitCodes.Clean);
        });
        return new Command("data", "Data pillar: dataset checks and data classification") { audit, classify };
    }

    private static readonly JsonSerializerOptions ClassificationJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static string ToJson(DatasetAudit audit) => new JsonObject
    {
        ["rows"] = audit.RowCount,
        ["labels"] = new JsonObject(audit.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
        ["issues"] = new JsonArray([.. audit.Issues.Select(i => new JsonObject
        {
            ["kind"] = JsonNamingPolicy.KebabCaseLower.ConvertName(i.Kind.ToString()),
            ["rows"] = new JsonArray([.. i.Rows.Select(r => JsonValue.Create(r))]),
            ["score"] = Math.Round(i.Score, 3),
            ["message"] = i.Message,
        })]),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static void Render(DatasetAudit audit, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]{audit.RowCount:N0} rows[/], labels: {Markup.Escape(string.Join(", ", audit.Labels.Select(l => $"{l.Key} ({l.Value})")))}");
        if (audit.Issues.Count == 0)
        {
            console.MarkupLine("[green]no issues found[/]");
            return;
        }
        var table = new Table().AddColumns("check", "rows", "finding");
        foreach (var issue in audit.Issues.Take(200))
        {
            var rows = string.Join(", ", issue.Rows.Take(8)) + (issue.Rows.Count > 8 ? $" … (+{issue.Rows.Count - 8})" : "");
            table.AddRow(Markup.Escape(JsonNamingPolicy.KebabCaseLower.ConvertName(issue.Kind.ToString())), Markup.Escape(rows), Markup.Escape(issue.Message));
        }
        console.Write(table);
        if (audit.Issues.Count > 200) console.MarkupLine($"… {audit.Issues.Count - 200} more (use --json for all)");
        console.MarkupLine(string.Join(", ", audit.Issues.GroupBy(i => i.Kind).Select(g => $"{g.Count()} {JsonNamingPolicy.KebabCaseLower.ConvertName(g.Key.ToString())}")));
    }
}
