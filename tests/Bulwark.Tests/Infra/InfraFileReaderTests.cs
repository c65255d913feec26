using Bulwark.Infra;

namespace Bulwark.Tests.Infra;

/// <summary>Which format a file is read as, by name and by content, and what a broken one gives.</summary>
public class InfraFileReaderTests
{
    private const string ComposeText = "services:\n  ollama:\n    image: ollama/ollama:0.5.7\n    ports: [\"11434:11434\"]\n";

    private const string Manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {type: ClusterIP}\n";

    private static InfraFile? Read(string relativePath, string text) => InfraFileReader.Read("scan/" + relativePath, relativePath, text);

    [Theory]
    [InlineData("docker-compose.yml")]
    [InlineData("docker-compose.override.yaml")]
    [InlineData("deploy/compose.yaml")]
    [InlineData("compose.prod.yml")]
    [InlineData("stack.yml")]            // not by name but by shape: services of images
    [InlineData("DOCKER-COMPOSE.YML")]
    public void Compose_files_by_name_or_by_shape(string path)
    {
        var file = Read(path, ComposeText);

        Assert.NotNull(file);
        Assert.Equal(InfraFormat.Compose, file.Format);
        Assert.Equal("scan/" + path, file.Path);
        var service = Assert.Single(file.Resources);
        Assert.Equal(("compose:service", "ollama", "services.ollama", 2, 3), (service.Type, service.Name, service.Address, service.Line, service.Body.Column));
        Assert.Empty(file.Errors);
    }

    [Fact]
    public void Services_that_are_not_containers_are_not_compose_by_shape()
    {
        Assert.Null(Read("config.yml", "services:\n  billing:\n    url: https://billing\n    timeout: 5\n"));
        Assert.Null(Read("config.yml", "services: {}\n"));
        // Named like a compose file, a services map is enough.
        Assert.Equal(InfraFormat.Compose, Read("docker-compose.yml", "services:\n  app:\n    extends: {file: base.yml, service: app}\n")?.Format);
    }

    [Fact]
    public void Kubernetes_objects_by_apiVersion_and_kind()
    {
        var file = Read("k8s/web.yaml", "# rendered by helm\n---\n" + Manifest + "---\nnot: a manifest\n---\n" + Manifest.Replace("name: web", "name: api", StringComparison.Ordinal));

        Assert.NotNull(file);
        Assert.Equal(InfraFormat.Kubernetes, file.Format);
        Assert.Equal(["Service/shop/web", "Service/shop/api"], file.Resources.Select(r => r.Address));
        Assert.Equal([3, 10], file.Resources.Select(r => r.Line));
        Assert.All(file.Resources, r => Assert.Equal(("k8s:Service", "scan/k8s/web.yaml"), (r.Type, r.Path)));
    }

    [Fact]
    public void An_object_without_a_name_is_named_by_generateName_or_unnamed()
    {
        var file = Read("jobs.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: train-}\n---\napiVersion: v1\nkind: Pod\n");
        Assert.Equal(["Job/train-", "Pod/(unnamed)"], file!.Resources.Select(r => r.Address));
    }

    [Theory]
    [InlineData(".github/workflows/ci.yml", "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n")]
    [InlineData("values.yaml", "image:\n  repository: ollama/ollama\n  tag: 0.5.7\nservice:\n  type: LoadBalancer\n")]
    [InlineData("rules.yaml", "pack: mine\nrules:\n  - id: BW-DATA-X\n")]
    [InlineData("kind-only.yaml", "kind: Deployment\nmetadata: {name: x}\n")]
    [InlineData("empty.yaml", "")]
    [InlineData("list.yaml", "- a\n- b\n")]
    public void Other_yaml_is_not_infrastructure(string path, string text) => Assert.Null(Read(path, text));

    [Theory]
    [InlineData("README.md")]
    [InlineData("main.py")]
    public void Other_extensions_are_not_read(string path)
    {
        Assert.False(InfraFileReader.MayRead(path));
        Assert.Null(Read(path, Manifest));
    }

    [Fact]
    public void A_json_file_on_disk_is_read_whole_only_when_its_start_looks_like_a_plan_or_a_manifest()
    {
        using var dir = new TempDirectory();
        var data = dir.Write("rows.json", "[" + string.Join(",", Enumerable.Range(0, 5000).Select(i => $"{{\"id\": {i}, \"text\": \"row {i}\"}}")) + "]");
        Assert.Null(InfraFileReader.ReadFile(data, "rows.json", data));
        var plan = dir.Write("tfplan.json", "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {\"resources\": [{\"address\": \"aws_s3_bucket.m\", \"type\": \"aws_s3_bucket\", \"name\": \"m\", \"values\": {\"bucket\": \"" + new string('m', 20000) + "\"}}]}}}");
        Assert.Equal("aws_s3_bucket.m", Assert.Single(InfraFileReader.ReadFile(plan, "tfplan.json", plan)!.Resources).Address);
    }

    [Fact]
    public void Json_is_read_only_when_it_is_a_manifest_or_a_plan()
    {
        var manifest = Read("deploy.json", "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"api\"}, \"spec\": {\"type\": \"LoadBalancer\"}}");
        Assert.NotNull(manifest);
        Assert.Equal(InfraFormat.Kubernetes, manifest.Format);
        Assert.Equal("Service/api", Assert.Single(manifest.Resources).Address);
        Assert.Null(Read("package.json", "{\"name\": \"web\", \"version\": \"1.0.0\"}"));
        Assert.Equal(InfraFormat.TerraformPlan, Read("tfplan.json", "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": {}}}")!.Format);
    }

    [Theory]
    [InlineData("Dockerfile", InfraFormat.Dockerfile)]
    [InlineData("gpu.Dockerfile", InfraFormat.Dockerfile)]
    [InlineData("Containerfile", InfraFormat.Dockerfile)]
    [InlineData(".env", InfraFormat.DotEnv)]
    [InlineData("prod.env", InfraFormat.DotEnv)]
    public void Dockerfiles_and_env_files_by_name(string path, InfraFormat format)
    {
        Assert.True(InfraFileReader.MayRead(path));
        Assert.Equal(format, Read(path, format == InfraFormat.Dockerfile ? "FROM ollama/ollama:0.5.7\n" : "OLLAMA_HOST=0.0.0.0\n")?.Format);
    }

    [Fact]
    public void A_broken_compose_file_is_reported_with_its_error_rather_than_skipped()
    {
        var file = Read("docker-compose.yml", "services:\n  ollama:\n    image: ollama/ollama\n   ports: [\"11434:11434\"]\n");

        Assert.NotNull(file);
        Assert.Contains(file.Format, new[] { InfraFormat.Compose, InfraFormat.Kubernetes });
        var error = Assert.Single(file.Errors);
        Assert.Equal(4, error.Line);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_manifest_keeps_the_objects_before_the_error()
    {
        var file = Read("deploy.yaml", Manifest + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x\nspec: {}\n");

        Assert.NotNull(file);
        Assert.Equal(InfraFormat.Kubernetes, file.Format);
        Assert.Equal(["Service/shop/web"], file.Resources.Select(r => r.Address));
        Assert.True(Assert.Single(file.Errors).Line >= 8);
    }

    [Fact]
    public void A_broken_file_that_names_no_kind_is_not_infrastructure() =>
        Assert.Null(Read("notes.yaml", "title: x\n  bad: indentation\n"));

    [Fact]
    public void Parse_errors_become_findings_of_the_parse_error_rule()
    {
        var file = Read("deploy.yaml", Manifest + "---\napiVersion: v1\nkind: Service\nmetadata: *nothing\n")!;
        var finding = Assert.Single(new InfraAnalyzer([InfraTestKit.Catalog(Bulwark.Infra.InfraRuleIds.ParseError)]).Analyze([file]));

        Assert.Equal((Bulwark.Infra.InfraRuleIds.ParseError, "scan/deploy.yaml", 8, 11), (finding.RuleId, finding.Location.Path, finding.Location.Line, finding.Location.Column));
        Assert.Equal("Kubernetes file not fully read: YAML alias *nothing names no anchor", finding.Message);
    }
}
