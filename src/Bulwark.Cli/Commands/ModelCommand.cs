using System.CommandLine;
using System.Reflection;
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
    public static Command Create(IAnsiConsole stdout, TextWriter rawStdout, TextWriter stderr)
    {
        var model = new Command("model", "Model pillar: scan model files for code that runs on load, sign and verify model directories, AI bill of materials");
        model.Subcommands.Add(Scan(stdout, rawStdout));
        foreach (var command in ModelSigningCommands.Create(rawStdout, stderr)) model.Subcommands.Add(command);
        return model;
    }

    private static Command Scan(IAnsiConsole stdout, TextWriter rawStdout)
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
            switch (parse.GetValue(format))
            {
                case "json":
                    WriteTo(target, rawStdout, s => ModelReportWriter.WriteJson(results, s));
                    break;
                case "sarif":
                    var rules = RuleCatalog.Load().Rules.Where(r => r.IsModelRule).ToList();
                    WriteTo(target, rawStdout, s => ModelReportWriter.WriteSarif(results, rules, Version, s));
                    break;
                default:
                    if (target is null) Render(results, stdout);
                    else
                    {
                        using var writer = new StreamWriter(target);
                        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No });
                        console.Profile.Width = 200;
                        Render(results, console);
                    }
                    break;
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

    private static void WriteTo(string? path, TextWriter stdout, Action<Stream> write)
    {
        if (path is not null)
        {
            using var file = File.Create(path);
            write(file);
            return;
        }
        using var buffer = new MemoryStream();
        write(buffer);
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

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

    private static string Version => typeof(ModelCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
