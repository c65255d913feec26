using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Keys;
using Bulwark.Gateway.Storage;
using Bulwark.Governance.Assessment;
using Bulwark.Governance.Inventory;
using Bulwark.Scanning;

namespace Bulwark.Cli.Commands;

/// <summary>
/// What the governance commands read from a gateway's database (<c>--gateway-db</c>): its keys (for rotation) and the
/// calls of its audit trail (the models seen at the gateway, for the inventory). Never a key or a prompt.
/// </summary>
internal static class GatewayEvidence
{
    /// <summary>How far back the audit trail is read.</summary>
    public static readonly TimeSpan TrafficWindow = TimeSpan.FromDays(30);

    private const int MaxCalls = 1_000_000;

    public static GatewayDatabaseFacts Read(string database)
    {
        using var opened = GatewayDatabase.Open(GatewayCommand.DatabaseOption(database));
        var keys = new KeyStore(opened, TimeProvider.System).List(includeRevoked: true)
            .Select(k => new GatewayKeyFact(k.Id, k.Team, k.Created, k.Revoked)).ToList();
        var calls = new AuditStore(opened).Query(new AuditQuery(Since: DateTimeOffset.UtcNow - TrafficWindow, Limit: MaxCalls))
            .Select(r => new GatewayCall(r.Model, r.Upstream, r.KeyId, r.Team, r.Time)).ToList();
        // A connection string may hold a password: only a file name is shown as the source.
        var source = database.StartsWith("env:", StringComparison.Ordinal) || database.Contains("://", StringComparison.Ordinal) || database.Contains('=', StringComparison.Ordinal)
            ? "the gateway database"
            : database;
        return new GatewayDatabaseFacts(source, keys, calls);
    }
}
