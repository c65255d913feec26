using Bulwark.Gateway.Guarding;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Keys;

/// <summary>
/// At start-up, warns about keys and teams whose guard policy the config does not define (a policy removed from
/// <c>guards.policies</c> after they were given it). Their requests are refused until fixed; the warning says so
/// before the first one fails, without stopping the gateway for everyone else.
/// </summary>
public sealed partial class UnknownGuardPolicyCheck(KeyStore keys, TeamStore teams, GuardPolicies policies, ILogger<UnknownGuardPolicyCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var team in teams.List().Where(t => t.GuardPolicy is { } p && !policies.Contains(p)))
            LogUnknown(logger, $"team '{team.Name}'", team.GuardPolicy!);
        foreach (var key in keys.List().Where(k => k.GuardPolicy is { } p && !policies.Contains(p)))
            LogUnknown(logger, $"key {key.Id}", key.GuardPolicy!);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Who} names guard policy '{Policy}', which guards.policies does not define: its requests get 500 unknown_guard_policy until the config or the {Who} changes")]
    private static partial void LogUnknown(ILogger logger, string who, string policy);
}
