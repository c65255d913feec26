using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Bulwark.Bench -- --filter '*'   (see bench/README.md)
BenchmarkSwitcher.FromAssembly(typeof(Bulwark.Bench.MixedText).Assembly).Run(args);
