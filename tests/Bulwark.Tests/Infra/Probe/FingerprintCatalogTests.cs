using Bulwark.Infra.Probe;
using Bulwark.Kernel;

namespace Bulwark.Tests.Infra.Probe;

public sealed class FingerprintCatalogTests
{
    private static readonly string[] ServiceIds =
    [
        "ollama", "vllm", "tgi", "llamacpp", "localai", "openai-compatible", "ray", "mlflow", "jupyter", "gradio", "comfyui",
        "langflow", "flowise", "open-webui", "triton", "torchserve", "kubeflow", "qdrant", "milvus", "chroma", "weaviate",
        "elasticsearch", "opensearch",
    ];

    [Fact]
    public void The_embedded_catalog_holds_every_service_id_the_IaC_checks_share()
    {
        var catalog = FingerprintCatalog.Default;
        Assert.Equal(ServiceIds.Order(), catalog.Services.Select(s => s.Id).Order());
        Assert.All(catalog.Services, s =>
        {
            Assert.NotEmpty(s.Ports);
            Assert.NotEmpty(s.Identify);
            Assert.NotEmpty(s.Access);
        });
        Assert.Contains(11434, catalog.DefaultPorts);
        Assert.Equal(catalog.DefaultPorts.Order(), catalog.DefaultPorts);
    }

    [Fact]
    public void The_documentation_lists_every_service()
    {
        var page = File.ReadAllText(Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "docs", "infra-probe.md"));
        Assert.All(FingerprintCatalog.Default.Services, s => Assert.Contains($"(`{s.Id}`", page, StringComparison.Ordinal));
    }

    [Fact]
    public void The_generic_OpenAI_shape_is_tried_last()
    {
        Assert.Equal("openai-compatible", FingerprintCatalog.Default.Services[^1].Id);
    }

    [Fact]
    public void Services_where_open_access_runs_code_are_critical()
    {
        var critical = FingerprintCatalog.Default.Services.Where(s => s.Severity == Severity.Critical).Select(s => s.Id).Order();
        Assert.Equal(["comfyui", "jupyter", "langflow", "mlflow", "ray"], critical);
    }

    [Fact]
    public void Probes_only_read_no_request_changes_state()
    {
        // POST is allowed only for the read-only APIs that need it (listing, tokenising).
        string[] reads = ["/tokenize", "/v2/repository/index", "/v2/vectordb/collections/list"];
        var posts = FingerprintCatalog.Default.Services
            .SelectMany(s => s.Identify.Select(i => i.Request).Concat(s.Version.Select(v => v.Request)).Concat(s.Access.Select(a => a.Request)))
            .Where(r => r.Method == "POST").Select(r => r.PathAndQuery).Distinct();
        Assert.All(posts, p => Assert.Contains(p, reads));
    }

    [Theory]
    [InlineData("services: []", "version must be 1")]
    [InlineData("version: 1\nservices: []", "no services")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], identify: [{get: /}]}\n  - {id: a, name: B, ports: [2], identify: [{get: /}]}", "'a' appears twice")]
    [InlineData("version: 1\nservices:\n  - {id: Bad_Id, name: A, ports: [1], identify: [{get: /}]}", "lower-case")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [70000], identify: [{get: /}]}", "ports between")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], identify: [{get: nope}]}", "bad request path")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], identify: [{get: /, body: '{}'}]}", "body with GET")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], identify: [{post: /, body: '{nope'}]}", "not JSON")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], identify: [{get: /, json: ['a..b']}]}", "empty property name")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], identify: [{get: /, json: ['a[x]']}]}", "neither a number")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], identify: [{get: /}], version: [{get: /, json: v, text: true}]}", "exactly one of json")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], severity: dire, identify: [{get: /}]}", "unknown severity")]
    [InlineData("version: 1\nservices:\n  - {id: a, name: A, ports: [1], identify: [{get: /, colour: red}]}", "invalid fingerprint catalog")]
    public void A_broken_catalog_is_a_clear_input_error(string yaml, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => FingerprintCatalog.Parse(yaml, "mine.yaml"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("mine.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_users_catalog_loads_from_a_file()
    {
        using var dir = new TempDirectory();
        dir.Write("mine.yaml", "version: 1\nservices:\n  - {id: acme, name: Acme LLM, ports: [9999], identify: [{get: /, body-contains: [acme]}], access: [{get: /models}]}\n");
        var catalog = FingerprintCatalog.Load(dir.Combine("mine.yaml"));
        var service = Assert.Single(catalog.Services);
        Assert.Equal([9999], catalog.DefaultPorts);
        Assert.Equal([200], service.Access[0].Open.Statuses);
        Assert.Null(service.Access[0].Required);
    }

    [Theory]
    [InlineData("""{"data":[{"owned_by":"x"},{"owned_by":"vllm"}]}""", "data[*].owned_by", "vllm", true)]
    [InlineData("""{"data":[{"owned_by":"x"},{"owned_by":"vllm"}]}""", "data[0].owned_by", "vllm", false)]
    [InlineData("""{"features":{"auth":false}}""", "features.auth", "false", true)]
    [InlineData("""{"nanosecond heartbeat":17}""", "nanosecond heartbeat", "17", true)]
    [InlineData("""[1,2]""", "[1]", "2", true)]
    [InlineData("""{"a":"b"}""", "a.b.c", "b", false)]
    public void Json_paths_select_what_the_catalog_names(string json, string path, string expected, bool matches)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var values = JsonPath.Parse(path).Select(document.RootElement).Select(JsonPath.ScalarText);
        Assert.Equal(matches, values.Contains(expected));
    }
}
