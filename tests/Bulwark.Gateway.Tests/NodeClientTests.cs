using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Tests;

/// <summary>
/// The gateway driven by the official <c>openai</c> npm client (tests/clients/node/chat.mjs, the package pinned in its
/// lockfile): a benign chat is answered, a jailbreak is refused with the SDK's <c>APIError</c> carrying the rule id,
/// and a streamed answer arrives whole through the SDK's chunk iterator.
/// </summary>
public sealed class NodeClientTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [NodeClientFact]
    public void The_openai_npm_client_gets_answers_guard_errors_and_streams()
    {
        var outcome = ExternalTool.Run("node", [NodeClientFactAttribute.Script, gateway.BaseUrl + "/v1", gateway.Key.Secret]);
        Assert.True(outcome.ExitCode == 0, $"node exited {outcome.ExitCode}: {outcome.Stderr}");
        var result = JsonNode.Parse(outcome.Stdout)!;

        Assert.Equal("You said: Hello from the openai npm client!", (string?)result["benign"]!["content"]);
        Assert.Equal("stop", (string?)result["benign"]!["finishReason"]);

        var jailbreak = result["jailbreak"]!;
        Assert.True((bool)jailbreak["blocked"]!, outcome.Stdout);
        Assert.Equal(400, (int)jailbreak["status"]!);
        Assert.Equal("bulwark_guard", (string?)jailbreak["type"]);
        Assert.StartsWith("BW-USAGE-", (string?)jailbreak["code"], StringComparison.Ordinal);
        Assert.Contains((string)jailbreak["code"]!, (string?)jailbreak["message"], StringComparison.Ordinal);

        var streamed = result["streamed"]!;
        Assert.Equal("You said: Stream this answer back to me, please.", (string?)streamed["content"]);
        Assert.True((int)streamed["chunks"]! > 1, "the answer arrived in one chunk: not streamed");
        Assert.Equal("stop", (string?)streamed["finishReason"]);
    }
}

/// <summary>
/// A fact that needs Node.js and the pinned <c>openai</c> package (scripts/test.sh installs it with
/// <c>npm ci --prefix tests/clients/node</c>); skipped with the reason where either is missing.
/// </summary>
public sealed class NodeClientFactAttribute : FactAttribute
{
    public static string Folder { get; } = Path.Combine(GatewayFixture.RepositoryRoot, "tests", "clients", "node");

    public static string Script { get; } = Path.Combine(Folder, "chat.mjs");

    public NodeClientFactAttribute()
    {
        if (!ExternalTool.Exists("node")) Skip = "node is not on PATH: the openai npm client test is skipped (install Node.js 20+ and run scripts/test.sh)";
        else if (!File.Exists(Path.Combine(Folder, "node_modules", "openai", "package.json")))
            Skip = "the openai npm package is not installed: the openai npm client test is skipped (run: npm ci --prefix tests/clients/node)";
    }
}
