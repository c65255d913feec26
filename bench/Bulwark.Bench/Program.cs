using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bulwark.Bench -- --filter '*'   (BenchmarkDotNet; see bench/README.md)
// dotnet run -c Release --project bench/Bulwark.Bench -- latency        (classification latency percentiles)
// dotnet run -c Release --project bench/Bulwark.Bench -- stages         (where classification time goes)
// dotnet run -c Release --project bench/Bulwark.Bench -- pii DIR [MiB]  (where PII detection time goes, per recogniser)
// dotnet run -c Release --project bench/Bulwark.Bench -- gateway-guards (what the gateway's default guards cost per request)
if (args is ["latency"])
{
    Bulwark.Bench.LatencyRun.Run(Console.Out);
    return;
}
if (args is ["pii", var folder, ..])
{
    Bulwark.Bench.PiiProfile.Run(Console.Out, folder, args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 32);
    return;
}
if (args is ["gateway-guards"])
{
    Bulwark.Bench.GatewayGuardProfile.Run(Console.Out);
    return;
}
if (args is ["stages"])
{
    Bulwark.Bench.StageProfile.Run(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Bulwark.Bench.MixedText).Assembly).Run(args);
