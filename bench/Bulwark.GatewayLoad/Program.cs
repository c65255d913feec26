using System.Globalization;
using Bulwark.GatewayLoad;

// Bulwark.GatewayLoad PLAN.json: runs the plan bench/gateway-load.sh wrote and writes its JSON and Markdown reports.
// Bulwark.GatewayLoad PLAN.json --from RESULTS.json: writes the reports again from a run's measurements, without load.
if (args is not ([_] or [_, "--from", _]))
{
    Console.Error.WriteLine("usage: Bulwark.GatewayLoad PLAN.json [--from RESULTS.json]   (the plan is written by bench/gateway-load.sh)");
    return 2;
}
var plan = LoadPlan.Read(args[0]);
if (args is [_, _, var earlier])
{
    WriteReport(LoadReport.Of(plan, LoadReport.ReadMeasurements(earlier)));
    return 0;
}
foreach (var phase in plan.Phases)
{
    foreach (var target in plan.Targets)
    {
        Console.Error.WriteLine($"priming {target.Name} ({phase.Name}, {plan.PrimingSeconds} s)");
        await new LoadRun(target, phase, TimeSpan.Zero, TimeSpan.FromSeconds(plan.PrimingSeconds), plan.UpstreamPid).RunAsync(0, 0);
    }
}
var measurements = new List<Measurement>();
for (var round = 1; round <= plan.Rounds; round++)
{
    for (var p = 0; p < plan.Phases.Count; p++)
    {
        // The order rotates with every round and phase, so a slow spell on the machine does not always hit one target.
        var shift = (round - 1 + p) % plan.Targets.Count;
        var order = plan.Targets.Skip(shift).Concat(plan.Targets.Take(shift)).ToList();
        for (var i = 0; i < order.Count; i++)
        {
            var run = new LoadRun(order[i], plan.Phases[p], TimeSpan.FromSeconds(plan.WarmupSeconds), TimeSpan.FromSeconds(plan.DurationSeconds), plan.UpstreamPid);
            var m = await run.RunAsync(round, i + 1);
            measurements.Add(m);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round} {m.Phase,-12} {m.Target,-16} {m.RequestsPerSecond,8:0} req/s  p50 {m.Latency.P50,7:0.000} ms  p99 {m.Latency.P99,7:0.000} ms  errors {m.Errors}  cpu/req {m.TargetCpuMsPerRequest:0.000} ms"));
        }
    }
}
WriteReport(LoadReport.Of(plan, measurements));
return 0;

static void WriteReport(LoadReport report)
{
    report.Write();
    foreach (var v in report.Verdicts) Console.WriteLine($"{v.Status,-12} {v.Goal}: {v.Measured}");
}
