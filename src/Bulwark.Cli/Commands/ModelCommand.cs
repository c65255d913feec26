using System.CommandLine;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Models;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark model …</c>: the model pillar. <c>scan</c> inspects model files for code that runs on load
/// (docs/models.md); <c>sign</c>, <c>verify</c>, <c>keygen</c> and <c>bom</c> come from <see cref="ModelSigningCommands"/> (docs/model-signing.md).
/// </summary>
internal static class ModelCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderrConsole, TextWriter rawStdout, TextWriter stderr)
    {
        var model = new Command("model", "Model pillar: scan model files for code that runs on load, sign and verify model directories, AI bill of materials");
        model.Subcommands.Add(Scan(stdout, stderrConsole, rawStdout));
        foreach (var command in ModelSigningCommands.Create(rawStdout, stderr)) model.Subcommands.Add(command);
        return model;
    }

    private static Command Scan(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var paths = new Argument<string[]>("path") { Description = "Model files or folders (scanned recursively)", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format", "-f") { Description = "Output: console, json or sarif", DefaultValueFactory = _ => "console" };
        format.AcceptOnlyFromAmong("console", "json", "sarif");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var strict = new Option<bool>("--strict") { Description = "Also fail (exit 1) on suspicious files and on files that could not be fully analysed" };
        var command = new Command("scan", "Scan model files (pickle, PyTorch, NumPy, Keras, ONNX, GGUF, safetensors, …) without loading them; exit 1 on a malicious file") { paths, format, output, strict };
        command.SetAction((parse, cancellationToken) =>
        {
            var roots = parse.GetValue(paths)!;
            foreach (var root in roots.Where(r => !File.Exists(r) && !Directory.Exists(r))) throw new BulwarkInputException($"path '{root}' does not exist");
            var results = new ModelScanner().Scan(roots, cancellationToken);
            var target = parse.GetValue(output);
            var formatName = parse.GetValue(format);
            if (formatName is not ("json" or "sarif") && target is null)
            {
                Render(results, stdout);
            }
            else
            {
                Action<Stream> write = formatName switch
                {
                    "json" => s => ModelReportWriter.WriteJson(results, s),
                    "sarif" => s => ModelReportWriter.WriteSarif(results, RuleCatalog.Load().Rules.Where(r => r.IsModelRule).ToList(), ToolVersion.Current, s),
                    _ => ReportOutput.PlainConsole(console => Render(results, console)),
                };
                ReportOutput.Deliver(write, target, rawStdout, stderr, $"{results.Count} files scanned");
            }
            return Task.FromResult(ExitCode(results, parse.GetValue(strict)));
        });
        return command;
    }

    /// <summary>1 when a file is malicious, or (with <c>--strict</c>) suspicious or not fully analysed; 0 otherwise.</summary>
    internal static int ExitCode(IReadOnlyList<ModelFileResult> results, bool strict) =>
        results.Any(r => r.Verdict == ModelVerdict.Malicious || (strict && r.Verdict is ModelVerdict.Suspicious or ModelVerdict.Error))
            ? ExitCodes.Findings
            : ExitCodes.Clean;

    private static void Render(IReadOnlyList<ModelFileResult> results, IAnsiConsole console)
    {
        var models = results.Where(r => r.Format != ModelFormats.Unknown || r.Issues.Count > 0).ToList();
        foreach (var file in models)
        {
            var colour = file.Verdict switch { ModelVerdict.Malicious => "red", ModelVerdict.Suspicious => "yellow", ModelVerdict.Error => "grey", _ => "green" };
            console.MarkupLine($"[{colour}]{ModelReportWriter.VerdictName(file.Verdict).ToUpperInvariant()}[/] {Markup.Escape(file.Path)} [grey]({Markup.Escape(file.Format)})[/]");
            foreach (var issue in file.Issues)
            {
                console.MarkupLine($"  [{colour}]{Markup.Escape(issue.RuleId)}[/] {Markup.Escape(issue.Member)} {Markup.Escape(issue.Message)}");
            }
        }
        var counts = Enum.GetValues<ModelVerdict>().Select(v => $"{results.Count(r => r.Verdict == v)} {ModelReportWriter.VerdictName(v)}");
        console.MarkupLine($"[bold]{results.Count} files[/], {models.Count} model files: {string.Join(", ", counts)}");
    }

}
