using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Redis;

public static class SharedStateServices
{
    /// <summary>Limits, live token counts and the vault: in Redis, shared by every instance, when <c>redis:</c> is configured; else in this process.</summary>
    public static IServiceCollection AddSharedState(this IServiceCollection services, GatewayOptions options)
    {
        if (options.Redis is null)
        {
            services.AddSingleton<IRateLimiter>(sp => sp.GetRequiredService<KeyRateLimiter>());
            services.AddSingleton<IDailyTokenCounter, LocalDailyTokens>();
            services.AddSingleton(_ => new SharedPseudonymVaults(null, options));
            return services;
        }
        services.AddSingleton<RedisStore>();
        services.AddSingleton<IRateLimiter, RedisRateLimiter>();
        services.AddSingleton<IDailyTokenCounter, RedisDailyTokens>();
        services.AddSingleton(sp => new SharedPseudonymVaults(sp.GetRequiredService<RedisStore>(), options));
        return services;
    }
}
