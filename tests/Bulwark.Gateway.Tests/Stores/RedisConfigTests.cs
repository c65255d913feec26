using Bulwark.Gateway.Configuration;
using Bulwark.Kernel;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary>The <c>redis:</c> section: defaults, durations in hours, mistakes named by key, secrets never echoed.</summary>
public sealed class RedisConfigTests
{
    private const string Base = "upstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]\n";
    private static readonly string VaultKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public void Defaults_are_the_bulwark_prefix_and_a_day_of_vault()
    {
        var redis = Parse(Base + "redis: {connection: '127.0.0.1:6379'}").Redis!;
        Assert.Equal(("127.0.0.1:6379", "bulwark:", TimeSpan.FromHours(24), TimeSpan.FromMilliseconds(1500)), (redis.Connection, redis.KeyPrefix, redis.VaultTtl, redis.Timeout));
        Assert.Null(redis.VaultKey);
        Assert.Null(Parse(Base).Redis);
        var custom = Parse(Base + "guards: {pseudonymize: true}\nredis: {connection: env:R, key-prefix: 'gw1:', vault-key: env:V, vault-ttl: 48h, timeout: 500ms}").Redis!;
        Assert.Equal(("gw1:", TimeSpan.FromHours(48), TimeSpan.FromMilliseconds(500), 32), (custom.KeyPrefix, custom.VaultTtl, custom.Timeout, custom.VaultKey!.Length));
    }

    [Theory]
    [InlineData("redis: {key-prefix: 'x:'}", "redis.connection: required")]
    [InlineData("redis: {connection: env:UNSET}", "redis.connection: environment variable UNSET is not set")]
    [InlineData("redis: {connection: 'h:6379', vault-ttl: forever}", "redis.vault-ttl:")]
    [InlineData("redis: {connection: 'h:6379', vault-ttl: 800h}", "redis.vault-ttl:")]
    [InlineData("redis: {connection: 'h:6379', timeout: 5m}", "redis.timeout:")]
    [InlineData("redis: {connection: 'h:6379', vault-key: c2VjcmV0}", "redis.vault-key: must name an environment variable")]
    [InlineData("redis: {connection: 'h:6379', vault-key: env:SHORT}", "redis.vault-key: environment variable SHORT must hold 32 bytes")]
    [InlineData("guards: {pseudonymize: true}\nredis: {connection: 'h:6379'}", "redis.vault-key: required with guards.pseudonymize")]
    public void A_mistake_is_refused_naming_its_key(string yaml, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => Parse(Base + yaml));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_connection_password_is_never_in_an_error_or_in_the_options_text()
    {
        const string password = "hunter2-redis-secret-81f3";
        var options = Parse(Base + $"redis: {{connection: '127.0.0.1:6379,password={password}'}}");
        Assert.DoesNotContain(password, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(password, options.Redis!.ToString(), StringComparison.Ordinal);
        var error = Assert.Throws<BulwarkInputException>(() => Parse(Base + $"redis: {{connection: '127.0.0.1:6379,password={password}', vault-ttl: never}}"));
        Assert.DoesNotContain(password, error.Message, StringComparison.Ordinal);
    }

    private static GatewayOptions Parse(string yaml) => GatewayConfigLoader.Parse(yaml, "gateway.yaml", Path.GetTempPath(), v => v switch
    {
        "R" => "127.0.0.1:6379",
        "V" => VaultKey,
        "SHORT" => "c2hvcnQ=",
        _ => null,
    });
}
