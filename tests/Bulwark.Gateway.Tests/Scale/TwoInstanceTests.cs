using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bulwark.Gateway.Tests.Stores;
using Npgsql;

namespace Bulwark.Gateway.Tests.Scale;

/// <summary>
/// Two gateway processes behind one imagined load balancer, sharing PostgreSQL (keys, audit) and Redis (limits, the
/// vault): a key's rate limit holds across both, a prompt masked by one is restored by the other, and a SIGKILL during
/// load loses no audit record of a request whose answer the client received in full.
/// </summary>
[Collection("scale")]
public sealed class TwoInstanceTests(ScaleStores stores) : IClassFixture<ScaleStores>
{
    [StoreFact]
    public async Task A_key_limited_to_N_requests_a_minute_gets_N_accepted_across_both_instances()
    {
        const int limit = 300;
        var database = stores.NewDatabase();
        var (configA, portA) = stores.WriteConfig("rate-a", database);
        var (configB, portB) = stores.WriteConfig("rate-b", database);
        await using var a = await stores.StartAsync(configA, portA);
        await using var b = await stores.StartAsync(configB, portB);
        var (_, secret) = ScaleStores.CreateKey(configA, "--rpm", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // 3× the limit, 24 at a time, alternating instances: well inside one minute.
        using var clientA = Client(a, secret);
        using var clientB = Client(b, secret);
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, limit * 3), new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (i, ct) =>
        {
            var response = await (i % 2 == 0 ? clientA : clientB).PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"request {i}"), ct);
            statuses.Add(response.StatusCode);
        });

        var accepted = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.Equal(limit * 3 - accepted, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.InRange(accepted, limit * 0.99, limit * 1.01);
    }

    [StoreFact]
    public async Task A_prompt_pseudonymised_by_one_instance_is_restored_by_the_other()
    {
        var database = stores.NewDatabase();
        var (configA, portA) = stores.WriteConfig("vault-a", database, pseudonymize: true);
        var (configB, portB) = stores.WriteConfig("vault-b", database, pseudonymize: true);
        await using var a = await stores.StartAsync(configA, portA);
        await using var b = await stores.StartAsync(configB, portB);
        var (_, secret) = ScaleStores.CreateKey(configA);
        var marker = TestMarker.New();
        var token = Bulwark.Samples.MockUpstream.MockUpstreamServer.LeakedToken;

        using var clientA = Client(a, secret);
        var first = await clientA.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"Deploy with {token} please {marker}"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains(token, await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var seen = stores.Upstream.Received.Select(r => (string)r["messages"]!.AsArray().Last()!["content"]!).Last(text => text.Contains(marker, StringComparison.Ordinal));
        Assert.DoesNotContain(token, seen, StringComparison.Ordinal);
        var placeholder = System.Text.RegularExpressions.Regex.Match(seen, "<[A-Z_]+_[0-9]+>").Value;
        Assert.NotEmpty(placeholder);

        // Instance B never saw the value: the placeholder in its upstream's answer is restored from the shared vault.
        using var clientB = Client(b, secret);
        var second = await clientB.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"Was {placeholder} rotated?"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var answer = await second.Content.ReadAsStringAsync();
        Assert.Contains($"Was {token} rotated?", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(placeholder, answer, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Killing_an_instance_during_load_loses_no_audit_record_of_a_completed_request()
    {
        var (load, missing) = await CrashDuringLoadAsync("strict");
        Assert.True(missing.Count == 0, $"{missing.Count} of {load.CompletedIds.Count} completed requests have no audit record, e.g. {string.Join(", ", missing.Take(5))}");
    }

    /// <summary>The same crash under relaxed durability does lose records: the check above can see a loss.</summary>
    [StoreFact]
    public async Task Under_relaxed_durability_the_same_crash_loses_the_records_still_queued()
    {
        var (load, missing) = await CrashDuringLoadAsync("relaxed");
        Assert.True(missing.Count > 0, $"all {load.CompletedIds.Count} completed requests were audited although the instance died with records queued");
    }

    /// <summary>
    /// SIGTERM drains: under relaxed durability answers complete while their records wait (the audit table is locked),
    /// the gateway is asked to stop, and every record is written before it exits.
    /// </summary>
    [StoreFact]
    public async Task A_graceful_shutdown_writes_every_queued_record_before_exiting()
    {
        var database = stores.NewDatabase();
        var (config, port) = stores.WriteConfig("drain", database, durability: "relaxed");
        await using var gateway = await stores.StartAsync(config, port);
        var (_, secret) = ScaleStores.CreateKey(config);
        using var client = Client(gateway, secret);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat("warm up"))).StatusCode);

        var ids = new List<string>();
        await using (var blocker = new NpgsqlConnection(database))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE audit_records IN EXCLUSIVE MODE", blocker, transaction)) await lockTable.ExecuteNonQueryAsync();
            for (var i = 0; i < 20; i++)
            {
                var response = await client.PostAsJsonAsync("/v1/chat/completions", ChatCompletionTests.Chat($"queued {i}"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                ids.Add(response.Headers.GetValues("x-request-id").Single());
            }
            var stopping = gateway.TerminateAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(gateway.HasExited, "the gateway exited with records still waiting for the database");
            await transaction.RollbackAsync();
            await stopping;
        }

        var audited = AuditedIds(database);
        Assert.All(ids, id => Assert.Contains(id, audited));
    }

    /// <summary>
    /// Two instances under load; the audit table is locked for a moment (a slow commit, as under a busy database) and
    /// instance A is killed with SIGKILL while its records wait. Returns the load and the completed request ids
    /// that have no audit record.
    /// </summary>
    private async Task<(CompletedRequests Load, List<string> Missing)> CrashDuringLoadAsync(string durability)
    {
        var database = stores.NewDatabase();
        var (configA, portA) = stores.WriteConfig($"crash-{durability}-a", database, durability: durability);
        var (configB, portB) = stores.WriteConfig($"crash-{durability}-b", database, durability: durability);
        await using var a = await stores.StartAsync(configA, portA);
        await using var b = await stores.StartAsync(configB, portB);
        var (_, secret) = ScaleStores.CreateKey(configA);

        var load = new CompletedRequests([Client(a, secret), Client(b, secret)]);
        var running = load.RunAsync(workers: 16, TimeSpan.FromSeconds(6));
        // Kill once A has served a fair share; on a busy machine that takes longer than the usual two seconds.
        for (var warm = Stopwatch.StartNew(); warm.Elapsed < TimeSpan.FromSeconds(2) || (load.CompletedBy(0) < 50 && warm.Elapsed < TimeSpan.FromSeconds(4)); )
            await Task.Delay(50);
        await using (var blocker = new NpgsqlConnection(database))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE audit_records IN EXCLUSIVE MODE", blocker, transaction)) await lockTable.ExecuteNonQueryAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
            a.Kill();
            await transaction.RollbackAsync();
        }
        await running;

        Assert.True(load.CompletedBy(0) >= 10, $"only {load.CompletedBy(0)} requests completed on the killed instance before the kill");
        Assert.True(load.FailedBy(0) > 0, "no request failed on the killed instance: the kill came too late to test anything");
        var audited = AuditedIds(database);
        return (load, load.CompletedIds.Where(id => !audited.Contains(id)).ToList());
    }

    internal static HttpClient Client(GatewayProcess gateway, string secret) => GatewayFixture.ClientFor(gateway.BaseUrl, secret);

    private static HashSet<string> AuditedIds(string database)
    {
        using var connection = new NpgsqlConnection(database);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT request_id FROM audit_records", connection);
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }
}
