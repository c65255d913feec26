using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>The test gateway with PostgreSQL as its database, and its store-failure and audit-durability settings.</summary>
public sealed class PostgresGateway(string connectionString, StoreFailureMode onFailure = StoreFailureMode.Closed, AuditDurability durability = AuditDurability.Strict) : GatewayFixture
{
    protected override string Database => connectionString;

    protected override string Configure(string yaml) =>
        yaml.Replace("  prompt-excerpt: redacted", $"  prompt-excerpt: redacted\n  durability: {durability.ToString().ToLowerInvariant()}", StringComparison.Ordinal)
        + $"\nstores:\n  on-failure: {onFailure.ToString().ToLowerInvariant()}\n";

    public AuditWriter Writer => Gateway.Services.GetRequiredService<AuditWriter>();

    public static async Task<PostgresGateway> StartAsync(string connectionString, StoreFailureMode onFailure = StoreFailureMode.Closed, AuditDurability durability = AuditDurability.Strict)
    {
        var gateway = new PostgresGateway(connectionString, onFailure, durability);
        await gateway.InitializeAsync();
        return gateway;
    }
}
