using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bulwark.Bench -- --filter '*'   (BenchmarkDotNet; see bench/README.md)
// dotnet run -c Release --project bench/Bulwark.Bench -- latency        (classification latency percentiles)
// dotnet run -c Release --project bench/Bulwark.Bench -- stages         (where classification time goes)
if (args is ["latency"])
{
    Bulwark.Bench.LatencyRun.Run(Console.Out);
    return;
}
if (args is ["stages"])
{
    Bulwark.Bench.StageProfile.Run(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Bulwark.Bench.MixedText).Assembly).Run(args);
