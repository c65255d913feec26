using Bulwark.Samples.MockUpstream;

// dotnet run --project samples/tools/MockUpstream -- [URL] [--no-record]   (default http://127.0.0.1:8081): the README's
// demo model. --no-record keeps no request bodies, for load runs (bench/gateway-load.sh), where they would pile up.
var keepRequests = !args.Contains("--no-record");
var url = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "http://127.0.0.1:8081";
await using var server = await MockUpstreamServer.StartAsync(url, keepRequests);
Console.Error.WriteLine($"mock OpenAI-compatible and Anthropic upstream on {server.BaseUrl} (model '{MockUpstreamServer.ModelName}'); Ctrl+C stops it");
await server.WaitForShutdownAsync(CancellationToken.None);
