using Microsoft.Data.Sqlite;

namespace Bulwark.Gateway.Tests.Scale;

/// <summary>
/// The embedded store under the same crash: one gateway on SQLite (strict durability, the default) killed with
/// SIGKILL mid-load has an audit record for every request whose answer its client received in full.
/// </summary>
public sealed class CrashDurabilityTests(ScaleStores stores) : IClassFixture<ScaleStores>
{
    [Fact]
    public async Task Killing_a_gateway_on_sqlite_during_load_loses_no_audit_record_of_a_completed_request()
    {
        var database = Path.Combine(Path.GetTempPath(), "bulwark-crash-" + Guid.NewGuid().ToString("N")[..12] + ".db");
        try
        {
            var (config, port) = stores.WriteConfig("sqlite-crash", database, redis: false);
            var (_, secret) = ScaleStores.CreateKey(config);
            await using var gateway = await stores.StartAsync(config, port);

            var load = new CompletedRequests([TwoInstanceTests.Client(gateway, secret)]);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(workers: 16, TimeSpan.FromSeconds(40), stop.Token);
            // Kill mid-load once enough requests have completed for the check to mean something: on a busy machine
            // (the other test suites running beside this one) a fresh gateway gets there later than 2.5 s.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (load.CompletedBy(0) <= 60 && DateTime.UtcNow < deadline) await Task.Delay(50);
            await Task.Delay(TimeSpan.FromSeconds(0.5));
            gateway.Kill();
            await Task.Delay(TimeSpan.FromSeconds(0.5));
            await stop.CancelAsync();
            await running;

            Assert.True(load.CompletedBy(0) > 50, $"only {load.CompletedBy(0)} requests completed before the kill");
            var audited = new HashSet<string>(StringComparer.Ordinal);
            using (var connection = new SqliteConnection($"Data Source={database};Pooling=false"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT request_id FROM audit_records";
                using var reader = command.ExecuteReader();
                while (reader.Read()) audited.Add(reader.GetString(0));
            }
            var missing = load.CompletedIds.Where(id => !audited.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {load.CompletedIds.Count} completed requests have no audit record, e.g. {string.Join(", ", missing.Take(5))}");
        }
        finally
        {
            foreach (var file in (string[])[database, database + "-wal", database + "-shm"]) File.Delete(file);
        }
    }
}
