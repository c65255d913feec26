using System.CommandLine;
using Bulwark.Kernel;
using Bulwark.Reporting;
using Bulwark.Scanning;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark scan PATH...</c>: parse options, run the library's <see cref="Scanner"/>, render the result.</summary>
internal static class ScanCommand
{
    private static readonly string[] Formats = ["console", "json", "sarif", "md", "html"];

    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter stdoutWriter)
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or directories to scan", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format", "-f") { Description = "Output format", DefaultValueFactory = _ => "console" };
        format.AcceptOnlyFromAmong(Formats);
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var failOn = new Option<string>("--fail-on") { Description = "Exit 1 when a finding is at or over this severity (info, low, medium, high, critical, none)", DefaultValueFactory = _ => "low" };
        failOn.AcceptOnlyFromAmong("info", "low", "medium", "high", "critical", "none");
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of paths to skip, gitignore syntax (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var noGitIgnore = new Option<bool>("--no-gitignore") { Description = "Scan files that .gitignore excludes" };
        var baseline = new Option<string?>("--baseline") { Description = "Suppress findings whose fingerprints are in this baseline file" };
        var writeBaseline = new Option<string?>("--write-baseline") { Description = "Write the current findings' fingerprints to this file" };
        var maxFileSize = new Option<string>("--max-file-size") { Description = "Skip files larger than this (e.g. 64MB, 500KB)", DefaultValueFactory = _ => "64MB" };
        var threads = new Option<int>("--threads", "-j") { Description = "Worker threads (0 = one per core)", DefaultValueFactory = _ => 0 };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw the progress bar" };

        var command = new Command("scan", "Scan files and directories for secrets and other GenAI risks")
        {
            paths, format, output, failOn, exclude, noGitIgnore, baseline, writeBaseline, maxFileSize, threads, noProgress,
        };
        CommonOptions.AddRuleAndNerOptions(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var threadCount = parse.GetValue(threads);
            if (threadCount < 0) throw new BulwarkInputException("--threads must be 0 or more");
            var catalog = CommonOptions.LoadCatalog(parse);
            using var ner = CommonOptions.LoadNerModel(parse);
            var options = new ScanOptions
            {
                Roots = parse.GetValue(paths)!,
                Limits = ScanLimits.Default with { MaxFileBytes = ByteSize.Parse(parse.GetValue(maxFileSize)!, "--max-file-size") },
                Threads = threadCount,
                Excludes = parse.GetValue(exclude) ?? [],
                UseGitIgnore = !parse.GetValue(noGitIgnore),
                Baseline = parse.GetValue(baseline) is { } baselinePath ? Baseline.Load(baselinePath) : null,
                Ner = ner,
            };
            foreach (var root in options.Roots)
            {
                if (!File.Exists(root) && !Directory.Exists(root)) throw new BulwarkInputException($"path '{root}' does not exist");
            }

            var showProgress = ShowsProgress(parse.GetValue(noProgress), stderr);
            var result = showProgress ? RunWithProgress(catalog, options, stderr, cancellationToken) : new Scanner(catalog, options).Run(cancellationToken);
            var report = new ScanReport(result, catalog.Rules, ToolVersion.Current, options.Roots);

            if (parse.GetValue(writeBaseline) is { } baselineOut)
            {
                Baseline.Write(baselineOut, result.Findings);
                stderr.MarkupLine($"Wrote baseline with {result.Findings.Count} fingerprints to {Markup.Escape(baselineOut)}");
            }

            WriteReport(report, parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, stdoutWriter);
            var threshold = parse.GetValue(failOn)!;
            var failed = threshold != "none" && SeverityParsing.TryParse(threshold, out Severity minimum) && result.Findings.Any(f => f.Severity >= minimum);
            return Task.FromResult(failed ? ExitCodes.Findings : ExitCodes.Clean);
        });
        return command;
    }


    private static ScanResult RunWithProgress(Kernel.RulePacks.RuleCatalog catalog, ScanOptions options, IAnsiConsole stderr, CancellationToken cancellationToken) =>
        WithProgress(stderr, "Scanning", progress => new Scanner(catalog, options with { Progress = progress }).Run(cancellationToken));

    /// <summary>Runs <paramref name="work"/> under a progress bar on stderr that the scan it starts reports to.</summary>
    internal static T WithProgress<T>(IAnsiConsole stderr, string description, Func<IProgress<ScanProgress>, T> work)
    {
        T? result = default;
        stderr.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context => result = work(new SynchronousProgress(context.AddTask(description, maxValue: 1))));
        return result!;
    }

    /// <summary>A progress bar only where a person watches: stderr is an interactive terminal and --no-progress is not given.</summary>
    internal static bool ShowsProgress(bool noProgress, IAnsiConsole stderr) => !noProgress && !Console.IsErrorRedirected && stderr.Profile.Capabilities.Interactive;

    private static void WriteReport(ScanReport report, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter stdoutWriter)
    {
        if (format == "console")
        {
            ConsoleReport.Write(report, stdout);
            if (output is not null) AtomicFile.WriteAllText(output, ConsoleReport.ToPlainText(report));
            return;
        }

        Action<Stream> write = format switch
        {
            "json" => s => JsonReportWriter.Write(report, s),
            "sarif" => s => SarifWriter.Write(report, s),
            "md" => s => MarkdownReportWriter.Write(report, s),
            "html" => s => HtmlReportWriter.Write(report, s),
            _ => throw new BulwarkInputException($"unknown format '{format}'"),
        };
        if (output is null)
        {
            using var buffer = new MemoryStream();
            write(buffer);
            stdoutWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            stdoutWriter.Flush();
            return;
        }
        AtomicFile.Write(output, write);
        ConsoleReport.WriteOneLine(report, stderr, output);
    }

    /// <summary>Updates the bar from the worker threads directly; Spectre's task values are thread-safe.</summary>
    private sealed class SynchronousProgress(ProgressTask task) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value)
        {
            task.MaxValue = Math.Max(1, value.BytesTotal);
            task.Value = value.BytesDone;
            task.Description = $"Scanning {value.FilesDone}/{value.FilesTotal} files";
        }
    }
}
