using System.Diagnostics;
using Bulwark.Data;
using Bulwark.Data.Anonymization;
using Bulwark.GatewayLoad;
using Bulwark.Kernel;
using Bulwark.Kernel.Guards;
using Bulwark.Kernel.RulePacks;
using Bulwark.Scanning;
using Bulwark.Usage.Guards;

namespace Bulwark.Bench;

/// <summary>
/// What the gateway's default guards cost on the load run's request (bench/gateway-load.sh): the 1 KB prompt through
/// pseudonymisation and the input pipeline, the echoed answer through the output pipeline. Each step is timed inline
/// and each pipeline as the gateway runs it (every step under its policy timeout, on the thread pool), single-threaded
/// on a quiet process: a floor for what a request pays. `dotnet run -c Release --project bench/Bulwark.Bench -- gateway-guards`.
/// </summary>
internal static class GatewayGuardProfile
{
    private const int Calls = 2000;

    public static void Run(TextWriter output)
    {
        var catalog = RuleCatalog.Load();
        var policy = GuardPolicy.Default();
        var pipelines = GuardPipelines.Build(policy, catalog);
        var detector = new TextDetector(Scanner.ScannedRules(catalog), ScanLimits.Default, TimeProvider.System);
        var key = AnonymizationKey.Generate();
        var prompt = ChatPrompt.User;
        var answer = "You said: " + prompt;
        var context = new GuardContext(ChatPrompt.SystemMessage + "\n\n" + CanaryGuard.Plant("", CanaryGuard.CreateToken()).Trim(), [CanaryGuard.CreateToken()]);

        output.WriteLine(FormattableString.Invariant($"| stage | text | median µs | p90 µs |"));
        output.WriteLine("|---|---|---:|---:|");
        Row(output, "pseudonymise (every data rule)", "prompt", () => new Anonymizer(AnonymizationPolicy.All("pseudonymize"), key, new PseudonymVault()).Anonymize(prompt, detector));
        foreach (var step in pipelines.Input.Steps) Row(output, $"input: {step.Guard.Name}", "prompt", () => step.Guard.Inspect(prompt, GuardContext.Empty, CancellationToken.None));
        Row(output, "input pipeline as run (timeouts on)", "prompt", () => pipelines.Input.Run(prompt));
        Row(output, "input pipeline, no timeouts", "prompt", () => Inline(pipelines.Input).Run(prompt));
        foreach (var step in pipelines.Output.Steps) Row(output, $"output: {step.Guard.Name}", "answer", () => step.Guard.Inspect(answer, context, CancellationToken.None));
        Row(output, "output pipeline as run (timeouts on)", "answer", () => pipelines.Output.Run(answer, context));
        Row(output, "output pipeline, no timeouts", "answer", () => Inline(pipelines.Output).Run(answer, context));
    }

    /// <summary>The same steps run inline: what the policy timeouts' thread-pool hop costs.</summary>
    private static GuardPipeline Inline(GuardPipeline pipeline) =>
        new(pipeline.Steps.Select(s => s with { Timeout = null }).ToList(), pipeline.LogOnly);

    private static void Row(TextWriter output, string stage, string text, Action action)
    {
        for (var i = 0; i < 500; i++) action(); // past tiering and the rules' switch to compiled regexes
        var samples = new double[Calls];
        for (var i = 0; i < Calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        output.WriteLine(FormattableString.Invariant($"| {stage} | {text} | {samples[Calls / 2]:0.0} | {samples[Calls * 9 / 10]:0.0} |"));
    }
}
