using System.CommandLine;
using System.Globalization;
using Bulwark.Infra.Probe;
using Bulwark.Kernel;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark infra probe TARGET...</c>: parse the targets and options, run the library's <see cref="AiServiceProbe"/>,
/// render the endpoints. Exit 1 when an AI service answers without authentication, 2 on bad input.
/// </summary>
internal static class InfraProbeCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var targets = new Argument<string[]>("target") { Description = "HOST, HOST:PORT[,PORT…], [IPv6]:PORT or http(s)://HOST:PORT; a HOST alone is probed on every default port", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format", "-f") { Description = "Output: table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of stdout" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds each request may take (connect, headers and body)", DefaultValueFactory = _ => 3 };
        var ports = new Option<string?>("--ports", "-p") { Description = "Ports for targets that name none, e.g. 8000,8080-8090 (default: every port of the catalog)" };
        var tls = new Option<bool>("--tls") { Description = "Use https for targets without a scheme (certificates are not verified)" };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Endpoints probed at once", DefaultValueFactory = _ => 16 };
        var fingerprints = new Option<string?>("--fingerprints") { Description = "Use this fingerprint catalog (YAML) instead of the built-in one" };
        var command = new Command("probe", "Fingerprint AI services on live endpoints and report those that answer without authentication; probe only hosts you are authorised to test")
        {
            targets, format, output, timeout, ports, tls, concurrency, fingerprints,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var catalog = parse.GetValue(fingerprints) is { } file ? FingerprintCatalog.Load(file) : FingerprintCatalog.Default;
            var defaultPorts = parse.GetValue(ports) is { } list ? ProbeTargetParser.ParsePorts(list) : catalog.DefaultPorts;
            var endpoints = ProbeTargetParser.Parse(parse.GetValue(targets)!, defaultPorts, parse.GetValue(tls));
            var seconds = parse.GetValue(timeout);
            if (!double.IsFinite(seconds) || seconds <= 0 || seconds > 300) throw new BulwarkInputException("--timeout must be more than 0 and at most 300 seconds");
            var options = new ProbeOptions { Timeout = TimeSpan.FromSeconds(seconds), Concurrency = parse.GetValue(concurrency) }.Validate();

            using var probe = new AiServiceProbe(options, catalog);
            var results = await Run(probe, endpoints, stderr, cancellationToken).ConfigureAwait(false);
            var findings = ProbeFindings.From(results);
            Write(results, findings, parse.GetValue(format)!, parse.GetValue(output), stdout, stderr, rawStdout);
            return findings.Count > 0 ? ExitCodes.Findings : ExitCodes.Clean;
        });
        return command;
    }

    private static async Task<IReadOnlyList<EndpointResult>> Run(AiServiceProbe probe, IReadOnlyList<ProbeTarget> endpoints, IAnsiConsole stderr, CancellationToken cancellationToken)
    {
        if (endpoints.Count < 2 || Console.IsErrorRedirected || !stderr.Profile.Capabilities.Interactive)
            return await probe.ProbeAsync(endpoints, null, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<EndpointResult> results = [];
        await stderr.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask($"Probing {endpoints.Count} endpoints", maxValue: endpoints.Count);
            results = await probe.ProbeAsync(endpoints, new Progress(task), cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return results;
    }

    private static void Write(IReadOnlyList<EndpointResult> results, IReadOnlyList<Finding> findings, string format, string? output, IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        if (format == "json")
        {
            if (output is not null)
            {
                AtomicFile.Write(output, s => ProbeReportWriter.WriteJson(results, findings, ToolVersion.Current, s));
                stderr.MarkupLine($"Wrote {results.Count} endpoints and {findings.Count} findings to {Markup.Escape(output)}");
                return;
            }
            using var buffer = new MemoryStream();
            ProbeReportWriter.WriteJson(results, findings, ToolVersion.Current, buffer);
            rawStdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return;
        }
        if (output is null)
        {
            Render(results, findings, stdout);
            return;
        }
        AtomicFile.Write(output, ReportOutput.PlainConsole(console => Render(results, findings, console)));
        stderr.MarkupLine($"Wrote {results.Count} endpoints and {findings.Count} findings to {Markup.Escape(output)}");
    }

    private static void Render(IReadOnlyList<EndpointResult> results, IReadOnlyList<Finding> findings, IAnsiConsole console)
    {
        var answered = results.Where(r => r.State is EndpointState.Identified or EndpointState.Http).ToList();
        if (answered.Count > 0)
        {
            var table = new Table().AddColumns("endpoint", "service", "version", "authentication", "evidence");
            foreach (var result in answered)
            {
                var decisive = result.Evidence.Count == 0 ? "" : result.Evidence[^1].ToString();
                table.AddRow(
                    Markup.Escape(result.Url),
                    result.Service is { } service ? Markup.Escape($"{service.Name} ({service.Id})") : "[grey]http, unknown[/]",
                    Markup.Escape(result.Version ?? ""),
                    result.State == EndpointState.Identified ? Authentication(result.Authentication) : "",
                    Markup.Escape(decisive));
            }
            console.Write(table);
        }
        foreach (var finding in findings)
            console.MarkupLine($"{Cli.Render.Severity(finding.Severity)} {Markup.Escape(finding.RuleId)} {Markup.Escape(finding.Message)}");
        var identified = results.Count(r => r.State == EndpointState.Identified);
        var silent = results.Count(r => r.State is EndpointState.Closed or EndpointState.NoAnswer);
        console.MarkupLine($"[bold]{results.Count} endpoints[/]: {identified} AI services ({findings.Count} without authentication), {results.Count(r => r.State == EndpointState.Http)} other HTTP, {silent} closed or silent");
    }

    private static string Authentication(AuthenticationState state) => state switch
    {
        AuthenticationState.None => "[bold red]none[/]",
        AuthenticationState.Required => "[green]required[/]",
        _ => "[yellow]unknown[/]",
    };


    /// <summary>Advances the bar from the probe's worker threads; Spectre's task values are thread-safe.</summary>
    private sealed class Progress(ProgressTask task) : IProgress<EndpointResult>
    {
        public void Report(EndpointResult value) => task.Increment(1);
    }
}
