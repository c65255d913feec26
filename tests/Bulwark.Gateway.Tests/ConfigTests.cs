using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Bulwark.Kernel;
using NJsonSchema;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Gateway.Tests;

/// <summary>gateway.yaml: the sample loads and matches the schema; mistakes are refused naming the key.</summary>
public sealed class ConfigTests
{
    private static readonly string Sample = Path.Combine(GatewayFixture.RepositoryRoot, "samples", "gateway", "gateway.yaml");

    [Fact]
    public void The_sample_config_loads()
    {
        var options = GatewayConfigLoader.LoadFile(Sample);
        Assert.Equal("http://127.0.0.1:8080", options.Listen);
        Assert.Equal("mock-model", options.Routes["demo"].UpstreamModel);
        Assert.True(options.Guards.Pseudonymize);
        Assert.EndsWith(Path.Combine("samples", "gateway", "policy.yaml"), options.Guards.PolicyPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_config_matches_the_json_schema()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(GatewayFixture.RepositoryRoot, "schemas", "gateway.schema.json"));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Sample)));
        Assert.Empty(schema.Validate(ToJson(yaml.Documents[0].RootNode)!.ToJsonString()));
        Assert.NotEmpty(schema.Validate("""{"upstreams": [], "models": [], "colour": "red"}"""));
    }

    /// <summary>YAML to JSON keeping plain scalars' types (true, 1024), as a YAML 1.2 core-schema reader sees them.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } s => JsonValue.Create(s.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain } s when long.TryParse(s.Value, out var n) => JsonValue.Create(n),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };

    [Theory]
    [InlineData("listen: ftp://x\nupstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]", "listen:")]
    [InlineData("upstreams: [{name: a, kind: gopher, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]", "upstreams[0].kind:")]
    [InlineData("upstreams: [{name: a, kind: openai-compatible, base-url: 'nope'}]\nmodels: [{name: m, upstream: a}]", "upstreams[0].base-url:")]
    [InlineData("upstreams: [{name: a, kind: openai, base-url: 'https://api.openai.com/v1', api-key: 'env:BULWARK_TEST_UNSET_VAR'}]\nmodels: [{name: m, upstream: a}]", "upstreams[0].api-key: environment variable BULWARK_TEST_UNSET_VAR is not set")]
    [InlineData("upstreams: [{name: a, kind: azure-openai, base-url: 'https://x.openai.azure.com/', api-key: k}]\nmodels: [{name: m, upstream: a}]", "upstreams[0].api-version:")]
    [InlineData("upstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: b}]", "models[0].upstream:")]
    [InlineData("upstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]\nlimits: {upstream-timeout: forever}", "limits.upstream-timeout:")]
    [InlineData("upstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]\nlimits: {max-body-bytes: 10}", "limits.max-body-bytes:")]
    [InlineData("upstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]\naudit: {prompt-excerpt: full}", "audit.prompt-excerpt:")]
    [InlineData("upstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]\nadmin: {credential: hunter2hunter2hunter2}", "admin.credential: must name an environment variable")]
    [InlineData("upstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]\nguards: {policy: missing.yaml}", "guards.policy:")]
    [InlineData("upstreams: [{name: a, kind: openai-compatible, base-url: 'http://h/v1'}]\nmodels: [{name: m, upstream: a}]\ncolour: red", "Property 'colour' not found")]
    [InlineData("models: [{name: m, upstream: a}]", "upstreams: at least one upstream is required")]
    public void A_mistake_is_refused_naming_its_key(string yaml, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => GatewayConfigLoader.Parse(yaml, "gateway.yaml", Path.GetTempPath(), _ => null));
        Assert.StartsWith("gateway.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_literal_upstream_key_is_never_in_an_error_or_in_the_options_text()
    {
        const string key = "sk-literal-should-not-show-0123456789";
        var error = Assert.Throws<BulwarkInputException>(() => GatewayConfigLoader.Parse($"upstreams: [{{name: a, kind: openai, base-url: 'https://api.openai.com/v1', api-key: {key}}}]\nmodels: [{{name: m, upstream: b}}]", "g.yaml", Path.GetTempPath(), _ => null));
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
        var options = GatewayConfigLoader.Parse($"upstreams: [{{name: a, kind: openai, base-url: 'https://api.openai.com/v1', api-key: {key}}}]\nmodels: [{{name: m, upstream: a}}]", "g.yaml", Path.GetTempPath(), _ => null);
        Assert.DoesNotContain(key, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, options.Upstreams["a"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_references_are_resolved()
    {
        var options = GatewayConfigLoader.Parse("upstreams: [{name: a, kind: openai, base-url: 'https://api.openai.com/v1', api-key: 'env:K'}]\nmodels: [{name: m, upstream: a}]", "g.yaml", "/tmp", v => v == "K" ? "sk-from-env" : null);
        Assert.Equal("sk-from-env", options.Upstreams["a"].ApiKey);
    }

    [Fact]
    public void Migrations_are_versioned_and_applied_once()
    {
        var path = Path.Combine(Path.GetTempPath(), "bulwark-migrate-" + Guid.NewGuid().ToString("N")[..8] + ".db");
        try
        {
            var migrations = GatewayDatabase.Migrations();
            Assert.Equal(Enumerable.Range(1, migrations.Count), migrations.Select(m => m.Version));
            Assert.Equal(migrations[^1].Version, GatewayDatabase.Open(path).SchemaVersion());
            Assert.Equal(migrations[^1].Version, GatewayDatabase.Open(path).SchemaVersion()); // reopening applies nothing twice
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
        }
    }
}
