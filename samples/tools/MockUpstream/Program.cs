using Bulwark.Samples.MockUpstream;

// dotnet run --project samples/tools/MockUpstream -- [URL]   (default http://127.0.0.1:8081): the README's demo model.
var url = args.Length > 0 ? args[0] : "http://127.0.0.1:8081";
await using var server = await MockUpstreamServer.StartAsync(url);
Console.Error.WriteLine($"mock OpenAI-compatible and Anthropic upstream on {server.BaseUrl} (model '{MockUpstreamServer.ModelName}'); Ctrl+C stops it");
await server.WaitForShutdownAsync(CancellationToken.None);
