using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Bulwark.Kernel;
using Npgsql;

namespace Bulwark.Gateway.Tests.Stores;

/// <summary><c>database:</c> forms: a SQLite path, a PostgreSQL URI or keyword string, env:VAR; the password never shown.</summary>
public sealed class DatabaseLocationTests
{
    private const string Password = "s3cret-Pw-Zk41";

    private static GatewayOptions Load(string database, Func<string, string?>? environment = null) => GatewayConfigLoader.Parse($"""
        database: '{database}'
        upstreams: [{"{"}name: a, kind: openai-compatible, base-url: 'http://127.0.0.1:9/v1'{"}"}]
        models: [{"{"}name: m, upstream: a{"}"}]
        audit: {"{"}durability: relaxed{"}"}
        """, "gateway.yaml", "/etc/bulwark", environment ?? (_ => null));

    [Fact]
    public void A_path_is_a_sqlite_file_relative_to_the_config()
    {
        var options = Load("data/gateway.db");
        Assert.Equal(DatabaseKind.Sqlite, options.Database.Kind);
        Assert.Equal("/etc/bulwark/data/gateway.db", options.Database.Target);
        Assert.Equal(AuditDurability.Relaxed, options.AuditDurability);
    }

    [Theory]
    [InlineData($"postgres://bulwark:{Password}@db.internal:6543/audit?sslmode=require")]
    [InlineData($"postgresql://bulwark:{Password}@db.internal:6543/audit?sslmode=require")]
    [InlineData($"Host=db.internal;Port=6543;Database=audit;Username=bulwark;Password={Password};SSL Mode=Require")]
    public void Uris_and_keywords_are_postgres_and_never_show_the_password(string value)
    {
        var location = Load(value).Database;
        Assert.Equal(DatabaseKind.Postgres, location.Kind);
        var builder = new NpgsqlConnectionStringBuilder(location.Target);
        Assert.Equal(("db.internal", 6543, "audit", "bulwark", Password, SslMode.Require), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password, builder.SslMode));
        Assert.DoesNotContain(Password, location.ToString(), StringComparison.Ordinal);
        Assert.Contains("db.internal", location.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Env_var_holds_the_connection_string()
    {
        var location = Load("env:BULWARK_DB", v => v == "BULWARK_DB" ? $"postgres://u:{Password}@h/d" : null).Database;
        Assert.Equal(DatabaseKind.Postgres, location.Kind);
        var error = Assert.Throws<BulwarkInputException>(() => Load("env:BULWARK_DB_UNSET"));
        Assert.Contains("database: environment variable BULWARK_DB_UNSET is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_connection_string_is_reported_without_its_password()
    {
        var error = Assert.Throws<BulwarkInputException>(() => Load($"Host=h;Password={Password};Bogus Setting=1"));
        Assert.Contains("database: not a valid PostgreSQL connection string", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
        var durability = Assert.Throws<BulwarkInputException>(() => GatewayConfigLoader.Parse("""
            upstreams: [{name: a, kind: openai-compatible, base-url: 'http://127.0.0.1:9/v1'}]
            models: [{name: m, upstream: a}]
            audit: {durability: eventually}
            """, "gateway.yaml", "/tmp", _ => null));
        Assert.Contains("audit.durability: must be strict or relaxed (got 'eventually')", durability.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_postgres_fails_the_start_naming_the_key_without_the_password()
    {
        var error = Assert.Throws<BulwarkInputException>(() => GatewayDatabase.Open(DatabaseLocation.Parse($"postgres://u:{Password}@127.0.0.1:1/d?timeout=2", "/")));
        Assert.StartsWith("database: cannot open gateway database 'postgres: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }
}
