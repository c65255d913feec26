using Bulwark.Gateway;
using Bulwark.Kernel;

// `dotnet run --project src/Bulwark.Gateway -- --config gateway.yaml`; `bulwark gateway --config FILE` runs the same host.
var at = Array.IndexOf(args, "--config");
if (at < 0 || at + 1 >= args.Length)
{
    Console.Error.WriteLine("usage: Bulwark.Gateway --config gateway.yaml");
    return 2;
}
using var cancellation = new CancellationTokenSource();
try
{
    await GatewayApp.RunAsync(args[at + 1], cancellation.Token);
    return 0;
}
catch (BulwarkInputException e)
{
    Console.Error.WriteLine($"bulwark gateway: {e.Message}");
    return 2;
}
