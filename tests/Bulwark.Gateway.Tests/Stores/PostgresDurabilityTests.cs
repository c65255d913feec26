using System.Net;
using System.Net.Http.Json;
using Bulwark.Gateway.Configuration;
using Npgsql;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>
/// audit.durability on PostgreSQL: a test holds a lock on audit_records (INSERT waits for it), so a commit is held for
/// as long as the test likes. Strict: the response does not complete until the record is committed. Relaxed: it does.
/// </summary>
public sealed class PostgresDurabilityTests(SharedPostgres shared) : IClassFixture<SharedPostgres>
{

    [StoreFact]
    public async Task Strict_a_response_completes_only_after_its_audit_record_is_committed()
    {
        var database = shared.Server.CreateDatabase("strict");
        var gateway = await PostgresGateway.StartAsync(database, durability: AuditDurability.Strict);
        try
        {
            await using var gate = await HoldAuditInsertsAsync(database);
            var request = gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("held by the gate"));
            await Task.Delay(1500);
            Assert.False(request.IsCompleted, "the response completed before its audit record was committed");
            Assert.Equal(0, Count(database));

            await gate.CommitAsync();
            using var response = await request.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, Count(database)); // committed before the client saw the end, so already there
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task Relaxed_a_response_completes_before_the_commit_and_the_record_follows()
    {
        var database = shared.Server.CreateDatabase("relaxed");
        var gateway = await PostgresGateway.StartAsync(database, durability: AuditDurability.Relaxed);
        try
        {
            await using var gate = await HoldAuditInsertsAsync(database);
            using var response = await gateway.Http.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("not held")).WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(0, Count(database));
            Assert.Equal(1, gateway.Writer.QueueDepth); // what a crash now would lose
            Assert.Equal(1, await QueueDepthMetricAsync(gateway));

            await gate.CommitAsync();
            await gateway.Writer.FlushAsync();
            Assert.Equal(1, Count(database));
            Assert.Equal(0, gateway.Writer.QueueDepth);
            Assert.Equal(0, await QueueDepthMetricAsync(gateway));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    private static async Task<double> QueueDepthMetricAsync(PostgresGateway gateway) =>
        PrometheusScrape.Parse(await gateway.Http.GetStringAsync("/metrics")).Sum("bulwark_audit_queue_depth");

    private static long Count(string database) => PostgresGatewayTests.Scalar(database, "SELECT count(*) FROM audit_records");

    /// <summary>A transaction holding a lock that conflicts with INSERT's on audit_records (reads still pass).</summary>
    private static async Task<NpgsqlTransaction> HoldAuditInsertsAsync(string database)
    {
        var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("LOCK TABLE audit_records IN SHARE MODE", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return transaction;
    }
}
