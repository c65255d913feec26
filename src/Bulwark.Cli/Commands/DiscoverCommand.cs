using System.CommandLine;
using System.Text;
using Bulwark.Governance.ShadowAi;
using Bulwark.Governance.ShadowAi.Discovery;
using Bulwark.Governance.ShadowAi.Logs;
using Bulwark.Kernel;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark discover LOG...</c>: shadow-AI discovery in proxy, DNS and connection logs (docs/shadow-ai.md). The
/// library does the work (<see cref="ShadowAiDiscovery"/>); this parses options and renders.
/// </summary>
internal static class DiscoverCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var logs = new Argument<string[]>("log") { Description = "Log files (plain or gzip; '-' for stdin)", Arity = ArgumentArity.ZeroOrMore };
        var logFormat = new Option<string?>("--log-format") { Description = $"Format of every log: {string.Join(", ", LogFormats.Names)} (default: recognised from each file's first lines)" };
        var map = new Option<string?>("--map") { Description = "Columns of csv/tsv/jsonl logs: host=COL,user=COL,client=COL,time=COL,bytes-out=COL,bytes-in=COL" };
        var catalog = new Option<string?>("--catalog") { Description = "A catalog of AI services to use instead of the embedded one (docs/shadow-ai-catalog.md)" };
        var policy = new Option<string?>("--policy") { Description = "Which services are sanctioned, tolerated or forbidden, per department (default: all tolerated)" };
        var departments = new Option<string?>("--departments") { Description = "CSV of user-or-address-or-CIDR,department" };
        var format = new Option<string>("--format", "-f") { Description = "Output: console, json, csv or html", DefaultValueFactory = _ => "console" };
        format.AcceptOnlyFromAmong("console", "json", "csv", "html");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var exportDomains = new Option<string?>("--export-domains") { Description = "Write the catalog's domains, one per line, to this file and exit (e.g. for grep -F -f or a DNS blocklist)" };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw the progress bar" };
        var command = new Command("discover", "Find generative-AI services used in proxy, DNS and connection logs (Squid, Zeek, BIND, dnsmasq, CSV/JSONL), per user, host and department; exit 1 when the policy forbids a use")
        {
            logs, logFormat, map, catalog, policy, departments, format, output, exportDomains, noProgress,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var services = parse.GetValue(catalog) is { } catalogPath ? GenAiCatalog.Load(catalogPath) : GenAiCatalog.Default;
            var matcher = ReferenceEquals(services, GenAiCatalog.Default) ? ServiceMatcher.Default : new ServiceMatcher(services);
            if (parse.GetValue(exportDomains) is { } domainsPath)
            {
                AtomicFile.WriteAllText(domainsPath, string.Join('\n', matcher.AllDomains) + "\n");
                stderr.MarkupLineInterpolated($"[grey]{matcher.AllDomains.Count} domains of {services.Services.Count} services written to {domainsPath}[/]");
                return Task.FromResult(ExitCodes.Clean);
            }
            var paths = parse.GetValue(logs) ?? [];
            if (paths.Length == 0) throw new BulwarkInputException("name at least one log file (or '-' for stdin)");
            foreach (var path in paths.Where(p => p != "-" && !File.Exists(p))) throw new BulwarkInputException($"log '{path}' does not exist");
            if (parse.GetValue(logFormat) is { } named && !LogFormats.Names.Contains(named))
                throw new BulwarkInputException($"unknown log format '{named}' (expected one of {string.Join(", ", LogFormats.Names)})");

            var usePolicy = parse.GetValue(policy) is { } policyPath ? AiUsePolicy.Load(policyPath, services) : AiUsePolicy.TolerateAll(services);
            var departmentMap = parse.GetValue(departments) is { } departmentsPath ? DepartmentMap.Load(departmentsPath) : DepartmentMap.Empty;
            var mapping = parse.GetValue(map) is { } spec ? ColumnMapping.Parse(spec) : null;
            var discovery = new ShadowAiDiscovery(matcher, usePolicy, departmentMap, TimeProvider.System, Console.OpenStandardInput);

            var showProgress = ScanCommand.ShowsProgress(parse.GetValue(noProgress), stderr) && paths.All(p => p != "-");
            var report = showProgress
                ? RunWithProgress(discovery, paths, parse.GetValue(logFormat), mapping, stderr, cancellationToken)
                : discovery.Run(paths, parse.GetValue(logFormat), mapping, null, cancellationToken);
            Write(report, parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, rawStdout);
            return Task.FromResult(report.HasForbiddenUse ? ExitCodes.Findings : ExitCodes.Clean);
        });
        return command;
    }

    private static DiscoveryReport RunWithProgress(ShadowAiDiscovery discovery, string[] paths, string? format, ColumnMapping? mapping, IAnsiConsole stderr, CancellationToken cancellationToken)
    {
        DiscoveryReport? report = null;
        var total = paths.Sum(p => new FileInfo(p).Length);
        stderr.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                // Compressed logs yield more bytes than their file size: the bar then stops at 100 % until done.
                var task = context.AddTask("Reading logs", maxValue: Math.Max(1, total));
                report = discovery.Run(paths, format, mapping, new SynchronousProgress(task), cancellationToken);
                task.Value = task.MaxValue;
            });
        return report!;
    }

    private static void Write(DiscoveryReport report, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        if (format == "console" && output is null)
        {
            Render(report, stdout);
            return;
        }
        Action<Stream> write = format switch
        {
            "json" => s => DiscoveryReportWriter.WriteJson(report, s, ToolVersion.Current),
            "csv" => ReportOutput.Text(w => DiscoveryReportWriter.WriteCsv(report, w)),
            "html" => ReportOutput.Text(w => DiscoveryReportWriter.WriteHtml(report, w)),
            _ => ReportOutput.PlainConsole(console => Render(report, console)),
        };
        ReportOutput.Deliver(write, output, rawStdout, stderr, $"{report.Services.Count} AI services, {report.Unsanctioned.Count} unsanctioned uses");
    }

    private static void Render(DiscoveryReport report, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[bold]Shadow-AI discovery[/]: {report.Files.Count} log(s), {report.Lines:N0} lines ({report.Malformed:N0} malformed) in {report.Elapsed.TotalSeconds:0.0} s");
        foreach (var file in report.Files.Where(f => f.Malformed > 0))
            console.MarkupLineInterpolated($"[yellow]{file.Path}[/]: {file.Malformed:N0} malformed line(s), e.g. {string.Join("; ", file.MalformedExamples.Take(3))}");
        var unsanctioned = new Table().Title("Unsanctioned use, ranked by risk").AddColumns("#", "User or host", "Department", "Service", "Category", "Verdict", "Risk", "Requests", "Bytes sent", "Last seen");
        foreach (var u in report.Unsanctioned.Take(50))
        {
            var verdict = u.Use.Verdict == UseVerdicts.Forbidden ? $"[red]{u.Use.Verdict}[/]" : $"[yellow]{u.Use.Verdict}[/]";
            unsanctioned.AddRow(u.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(u.Identity), Markup.Escape(u.Department ?? ""), Markup.Escape(u.Use.ServiceName),
                u.Use.Category, verdict, u.Use.Risk.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), u.Use.Requests.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                u.Use.BytesOut?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "—", u.Use.LastSeen?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }
        console.Write(unsanctioned);
        if (report.Unsanctioned.Count > 50) console.MarkupLineInterpolated($"[grey]… {report.Unsanctioned.Count - 50} more (--format json, csv or html lists all)[/]");
        var services = new Table().Title("AI services seen").AddColumns("Service", "Vendor", "Category", "Policy", "Users or hosts", "Requests", "Bytes sent");
        foreach (var s in report.Services)
            services.AddRow(Markup.Escape(s.Name), Markup.Escape(s.Vendor), s.Category, s.Verdict, s.Identities.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                s.Requests.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), s.BytesOut?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "—");
        console.Write(services);
    }


    private sealed class SynchronousProgress(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = Math.Min(task.MaxValue, value);
    }
}
