using System.Text.Json;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Keys;
using Bulwark.Gateway.Storage;
using Bulwark.Governance.Inventory;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Governance.Inventory;

/// <summary>Models seen at the gateway: its audit trail becomes inventory evidence, claimed by the system that declares the key or team.</summary>
public sealed class GatewayTrafficTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Calls_are_counted_per_model_key_and_team_with_the_provider_of_the_route()
    {
        GatewayCall[] calls =
        [
            new("support-bot", "openai", "key_a", "support", Now.AddDays(-3)),
            new("support-bot", "openai", "key_a", "support", Now.AddDays(-1)),
            new("claude", "anthropic", "key_b", "research", Now.AddDays(-2)),
            new(null, null, "key_c", "x", Now),   // a request refused before routing names no model
        ];
        var routes = new[] { new DiscoveredAiUse(DiscoverySource.GatewayModel, "support-bot", "OpenAI", "route", "gateway.yaml", 3) };
        var uses = InventoryDiscovery.FromGatewayTraffic(calls, "gateway.db", routes);

        Assert.Equal(2, uses.Count);
        Assert.Equal(("claude", "Anthropic", "key_b", "research"), (uses[0].Name, uses[0].Provider, uses[0].GatewayKey, uses[0].Team));
        Assert.Equal(("support-bot", "OpenAI", "gateway.db"), (uses[1].Name, uses[1].Provider, uses[1].File));
        Assert.Equal("2 calls to 'support-bot' via upstream 'openai' (team support, key key_a), last 2026-11-19", uses[1].Evidence);
    }

    [Fact]
    public void A_system_claims_the_traffic_of_the_keys_and_teams_it_declares()
    {
        var inventory = AiInventoryReader.Read("""
            version: 1
            systems:
              - id: support
                name: Support bot
                owner: Support
                purpose: answers questions
                risk-tier: limited
                gateway-keys: [key_a, research]
            """, "ai-inventory.yaml");
        var uses = InventoryDiscovery.FromGatewayTraffic(
            [new("support-bot", "mock", "key_a", "support", Now), new("claude", "mock", "key_b", "research", Now), new("llama", "mock", "key_c", "growth", Now)], "gateway.db");
        var report = InventoryReconciler.Reconcile(inventory, uses);

        var declared = report.Entries.Single(e => e.Status == InventoryStatus.Declared);
        Assert.Equal(["claude", "support-bot"], declared.Discovered.Select(u => u.Name).Order());
        var undeclared = Assert.Single(report.Undeclared);
        Assert.Equal("Gateway model 'llama'", undeclared.Name);
    }

    [Fact]
    public void Gov_inventory_and_assess_read_keys_and_traffic_from_the_gateway_database()
    {
        using var dir = new TempDirectory();
        var database = dir.Combine("gateway.db");
        string key;
        using (var opened = GatewayDatabase.Open(database))
        {
            key = new KeyStore(opened, TimeProvider.System).Create("support", [], null, null).Key.Id;
            new AuditStore(opened).Write([Call(key, "support", "support-bot"), Call(key, "support", "support-bot"), Call(key, "growth", "llama-local")]);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var run = BulwarkProcess.Run("gov", "inventory", "samples/insecure-genai-app", "--gateway-db", database, "--format", "json").Expect(0);
        using var report = JsonDocument.Parse(run.Stdout);
        var evidences = report.RootElement.GetProperty("entries").EnumerateArray()
            .SelectMany(e => e.GetProperty("discovered").EnumerateArray().Select(u => (Status: e.GetProperty("status").GetString(), Evidence: u.GetProperty("evidence").GetString()!)))
            .Where(x => x.Evidence.Contains("calls to", StringComparison.Ordinal)).ToList();
        // The sample declares no gateway key or team: both models called through the gateway are undeclared.
        Assert.Equal(2, evidences.Count);
        Assert.All(evidences, x => Assert.Equal("undeclared", x.Status));
        Assert.Contains(evidences, x => x.Evidence.StartsWith("2 calls to 'support-bot'", StringComparison.Ordinal));

        var assessed = BulwarkProcess.Run("gov", "assess", "samples/insecure-genai-app", "--gateway-db", database, "--format", "json").Expect(0);
        using var assessment = JsonDocument.Parse(assessed.Stdout);
        var rotation = assessment.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "GOV-KEY-ROTATION");
        Assert.Equal("pass", rotation.GetProperty("outcome").GetString());
        Assert.Contains("1 active keys", rotation.GetProperty("evidence")[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static AuditRecord Call(string key, string team, string model) => new()
    {
        RequestId = $"req_{Guid.NewGuid():N}",
        Time = DateTimeOffset.UtcNow.AddHours(-1),
        KeyId = key,
        Team = team,
        Route = "/v1/chat/completions",
        Model = model,
        Upstream = "mock",
        Status = 200,
        LatencyMs = 12,
        Verdict = "allow",
    };
}
