using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Npgsql;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>The gateway on PostgreSQL: keys, chat and audit end to end, the CLI against the same server, and migrations under a race.</summary>
public sealed class PostgresGatewayTests(SharedPostgres shared) : IClassFixture<SharedPostgres>
{

    [StoreFact]
    public async Task Requests_through_a_gateway_on_postgres_are_audited_there_and_the_cli_reads_them()
    {
        var database = shared.Server.CreateDatabase("endtoend");
        var gateway = await PostgresGateway.StartAsync(database);
        try
        {
            var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("hello from postgres"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var record = Assert.Single(await gateway.AuditAsync());
            Assert.Equal(gateway.Key.Key.Id, record.KeyId);
            Assert.Equal(200, record.Status);
            Assert.Equal(1, Scalar(database, "SELECT count(*) FROM audit_records WHERE key_id = @k", gateway.Key.Key.Id));

            // The CLI on the same server: a team, a key the running gateway accepts, and the audit trail.
            var team = ExternalTool.Bulwark("teams", "create", "pg-team", "--database", database, "--rpm", "100");
            Assert.True(team.ExitCode == 0, team.Stderr);
            var created = ExternalTool.Bulwark("keys", "create", "--database", database, "--team", "pg-team", "--json");
            Assert.True(created.ExitCode == 0, created.Stderr);
            var secret = (string)JsonNode.Parse(created.Stdout)!["key"]!;
            using var client = gateway.Client(secret);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("second key"))).StatusCode);
            var listed = ExternalTool.Bulwark("keys", "list", "--database", database, "--json");
            Assert.Equal(2, JsonLines(listed.Stdout).Count);
            await gateway.Writer.FlushAsync();
            var query = ExternalTool.Bulwark("audit", "query", "--database", database, "--json");
            Assert.True(query.ExitCode == 0, query.Stderr);
            var records = JsonLines(query.Stdout);
            Assert.Equal(2, records.Count);
            Assert.Contains(records, r => (string?)r["team"] == "pg-team");
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task Gateways_starting_at_once_apply_each_migration_once()
    {
        var location = DatabaseLocation.Postgres(shared.Server.CreateDatabase("racing"));
        var opened = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => GatewayDatabase.Open(location))));
        var migrations = GatewayDatabase.Migrations(DatabaseKind.Postgres);
        Assert.Equal(GatewayDatabase.Migrations(DatabaseKind.Sqlite).Select(m => m.Version), migrations.Select(m => m.Version));
        Assert.All(opened, d => Assert.Equal(migrations[^1].Version, d.SchemaVersion()));
        Assert.Equal(migrations.Count, Scalar(location.Target, "SELECT count(*) FROM bulwark_schema_version"));
        foreach (var d in opened) d.Dispose();
    }

    [StoreFact]
    public async Task Token_usage_deltas_from_two_gateways_add_up_in_postgres()
    {
        var location = DatabaseLocation.Postgres(shared.Server.CreateDatabase("usage"));
        using var first = GatewayDatabase.Open(location);
        using var second = GatewayDatabase.Open(location);
        using var a = new Keys.DailyTokenUsage(first, TimeProvider.System);
        using var b = new Keys.DailyTokenUsage(second, TimeProvider.System);
        a.Add("key:k1", 40);
        b.Add("key:k1", 2);
        a.Flush();
        b.Flush();
        using var fresh = new Keys.DailyTokenUsage(GatewayDatabase.Open(location), TimeProvider.System);
        Assert.Equal(42, fresh.UsedToday("key:k1"));
    }

    private static List<JsonNode> JsonLines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];

    internal static long Scalar(string connectionString, string sql, string? k = null)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        if (k is not null) command.Parameters.AddWithValue("k", k);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
