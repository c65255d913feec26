using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bulwark.Bench -- --filter '*'   (BenchmarkDotNet; see bench/README.md)
// dotnet run -c Release --project bench/Bulwark.Bench -- latency        (classification latency percentiles)
if (args is ["latency"])
{
    Bulwark.Bench.LatencyRun.Run(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Bulwark.Bench.MixedText).Assembly).Run(args);
