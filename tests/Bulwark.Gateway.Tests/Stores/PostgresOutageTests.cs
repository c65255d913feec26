using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Npgsql;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>PostgreSQL stops mid-run (like a crash) and comes back: the gateway follows stores.on-failure and recovers by itself.</summary>
public sealed class PostgresOutageTests
{
    [StoreFact]
    public async Task Fail_closed_refuses_with_503_while_postgres_is_down_never_200_unaudited_and_recovers_by_itself()
    {
        await using var server = await PostgresServer.StartAsync();
        var database = server.CreateDatabase("closed");
        var gateway = await PostgresGateway.StartAsync(database, StoreFailureMode.Closed);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await Chat(gateway, "before the outage")).StatusCode);
            server.Stop();

            var refused = 0;
            for (var i = 0; i < 8; i++)
            {
                try
                {
                    using var response = await Chat(gateway, $"during the outage {i}");
                    Assert.NotEqual(HttpStatusCode.OK, response.StatusCode); // a 200 here would be a request without an audit record
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.Equal("store_unavailable", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
                    refused++;
                }
                catch (HttpRequestException)
                {
                    // The request in flight when the commit failed: its connection is aborted, not completed.
                }
            }
            Assert.True(refused >= 6, $"{refused} of 8 refused with 503");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await gateway.Http.GetAsync("/readyz")).StatusCode);
            Assert.Equal(1, await StoreDownAsync(gateway));

            await server.StartAgainAsync();
            await WaitUntilAsync(async () => (await Chat(gateway, "after the outage")).StatusCode == HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.OK, (await gateway.Http.GetAsync("/readyz")).StatusCode);
            Assert.Equal(0, await StoreDownAsync(gateway));

            // The records of the outage were kept and written after it: every refusal is in the audit trail.
            var records = await gateway.AuditAsync();
            Assert.True(records.Count(r => r.Error == "store_unavailable" && r.Status == 503) >= refused);
            Assert.Contains(records, r => r.Status == 200 && r.Excerpt!.Contains("before the outage", StringComparison.Ordinal));
            Assert.Contains(records, r => r.Status == 200 && r.Excerpt!.Contains("after the outage", StringComparison.Ordinal));
        }
        finally
        {
            await gateway.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
        }
    }

    [StoreFact]
    public async Task Fail_open_keeps_serving_known_keys_while_postgres_is_down_and_writes_the_held_records_after()
    {
        await using var server = await PostgresServer.StartAsync();
        var database = server.CreateDatabase("open");
        var gateway = await PostgresGateway.StartAsync(database, StoreFailureMode.Open);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await Chat(gateway, "before the outage")).StatusCode);
            server.Stop();
            for (var i = 0; i < 5; i++)
            {
                // Past the key cache's second: the key comes from the last known record.
                await Task.Delay(300);
                Assert.Equal(HttpStatusCode.OK, (await Chat(gateway, $"served open {i}")).StatusCode);
            }
            Assert.True(gateway.Writer.StoreFailing);
            // Failing open the instance still serves: ready for the load balancer, and saying it is degraded.
            var ready = await gateway.Http.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("\"degraded\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            await server.StartAgainAsync();
            await WaitUntilAsync(() => Task.FromResult(!gateway.Writer.StoreFailing));
            var records = await gateway.AuditAsync();
            for (var i = 0; i < 5; i++) Assert.Contains(records, r => r.Status == 200 && r.Excerpt!.Contains($"served open {i}", StringComparison.Ordinal));
            Assert.Equal(6, PostgresGatewayTests.Scalar(database, "SELECT count(*) FROM audit_records WHERE status = 200"));
        }
        finally
        {
            await gateway.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
        }
    }

    private static Task<HttpResponseMessage> Chat(GatewayFixture gateway, string text) =>
        gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat(text));

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (HttpRequestException)
            {
                // an aborted request while the store comes back
            }
            Assert.True(DateTime.UtcNow < deadline, "the gateway did not recover within 30 s of PostgreSQL's restart");
            await Task.Delay(200);
        }
    }

    private static async Task<double> StoreDownAsync(PostgresGateway gateway) =>
        PrometheusScrape.Parse(await gateway.Http.GetStringAsync("/metrics")).Sum("bulwark_store_down", ("bulwark_store", "database"));
}
