using Bulwark.Infra;
using Bulwark.Infra.Services;
using static Bulwark.Tests.Infra.InfraTestKit;

namespace Bulwark.Tests.Infra;

/// <summary>The AI-server catalog: image references, identification, authentication states and default passwords.</summary>
public class AiServiceCatalogTests
{
    [Theory]
    [InlineData("ghcr.io/open-webui/open-webui:v0.5.4", "open-webui/open-webui", "v0.5.4")]
    [InlineData("localhost:5000/ollama/ollama", "ollama/ollama", "")]
    [InlineData("localhost/ollama/ollama:0.5.7", "ollama/ollama", "0.5.7")]
    [InlineData("ollama/ollama@sha256:3a1b2c", "ollama/ollama", "sha256:3a1b2c")]
    [InlineData("ollama/ollama:0.5.7@sha256:3a1b2c", "ollama/ollama", "0.5.7@sha256:3a1b2c")]
    [InlineData("elasticsearch:8.17.0", "elasticsearch", "8.17.0")]
    [InlineData("docker.io/library/elasticsearch:8.17.0", "library/elasticsearch", "8.17.0")]
    [InlineData("nvcr.io/nvidia/k8s/container-toolkit:v1.16.1-ubuntu20.04", "nvidia/k8s/container-toolkit", "v1.16.1-ubuntu20.04")]
    [InlineData("registry.local:5000/team/vllm/vllm-openai:v0.6.4", "team/vllm/vllm-openai", "v0.6.4")]
    [InlineData("  Ollama/Ollama:Latest ", "ollama/ollama", "Latest")]
    [InlineData("ollama", "ollama", "")]
    [InlineData("", "", "")]
    public void Repository_and_tag_of_an_image_reference(string image, string repository, string tag) =>
        Assert.Equal((repository, tag), (AiServiceCatalog.Repository(image), AiServiceCatalog.Tag(image)));

    [Theory]
    [InlineData("ghcr.io/open-webui/open-webui:main", "", "open-webui")]
    [InlineData("localhost:5000/ollama/ollama", "", "ollama")]
    [InlineData("ollama/ollama@sha256:3a1b2c", "", "ollama")]
    [InlineData("elasticsearch:8.17.0", "", "elasticsearch")]
    [InlineData("docker.elastic.co/elasticsearch/elasticsearch:8.17.0", "", "elasticsearch")]
    [InlineData("quay.io/jupyter/base-notebook:2024-05-27", "", "jupyter")]
    [InlineData("registry.local:5000/team/vllm/vllm-openai:v0.6.4", "", "vllm")]
    [InlineData("python:3.12", "vllm serve meta-llama/Llama-3.1-8B", "vllm")]
    [InlineData("python:3.12", "python3 -m vllm.entrypoints.openai.api_server --port 8000", "vllm")]
    [InlineData("ubuntu:24.04", "/bin/sh -c OLLAMA serve", "ollama")] // commands compare ignoring case
    [InlineData("ollama/ollama", "vllm serve x", "ollama")]             // the image decides first
    public void A_server_is_identified_by_image_then_by_command(string image, string command, string id) =>
        Assert.Equal(id, AiServiceCatalog.Identify(image, command)?.Id);

    [Theory]
    [InlineData("myorg/ollama-proxy:1", "")]
    [InlineData("notollama/ollama", "")]
    [InlineData("ollama/ollama-helper", "")]
    [InlineData("python:3.12", "")]
    [InlineData("busybox", "echo vllm")]
    [InlineData("", "")]
    public void Other_images_and_commands_are_no_AI_server(string image, string command) =>
        Assert.Null(AiServiceCatalog.Identify(image, command));

    private static AuthState Auth(string id, string commandLine = "", params string[] env)
    {
        var service = AiServiceCatalog.Find(id) ?? throw new Xunit.Sdk.XunitException($"no service {id}");
        var variables = env.Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return service.Auth(variables, commandLine);
    }

    [Fact]
    public void A_server_without_authentication_of_its_own_has_none_until_it_is_configured()
    {
        Assert.Equal(AuthState.None, Auth("vllm", "vllm serve m"));
        Assert.Equal(AuthState.None, Auth("vllm", "vllm serve m", "VLLM_API_KEY="));       // empty is not set
        Assert.Equal(AuthState.Configured, Auth("vllm", "vllm serve m", "VLLM_API_KEY=k"));
        Assert.Equal(AuthState.Configured, Auth("vllm", "vllm serve m --api-key k"));
        Assert.Equal(AuthState.None, Auth("ollama", "ollama serve", "OLLAMA_HOST=0.0.0.0"));
        Assert.Equal(AuthState.None, Auth("mlflow", "mlflow server --host 0.0.0.0"));
        Assert.Equal(AuthState.Configured, Auth("mlflow", "mlflow server --app-name basic-auth"));
        Assert.Equal(AuthState.Configured, Auth("mlflow", "mlflow server --app-name=basic-auth"));
        Assert.Equal(AuthState.Configured, Auth("qdrant", "", "QDRANT__SERVICE__API_KEY=k"));
    }

    [Fact]
    public void A_server_that_authenticates_by_default_is_configured_until_a_setting_turns_it_off()
    {
        Assert.Equal(AuthState.Configured, Auth("jupyter", "start-notebook.py"));
        Assert.Equal(AuthState.Configured, Auth("jupyter", "start-notebook.py --IdentityProvider.token=s3cret"));
        Assert.Equal(AuthState.Disabled, Auth("jupyter", "start-notebook.py", "JUPYTER_TOKEN="));
        Assert.Equal(AuthState.Disabled, Auth("jupyter", "start-notebook.py --NotebookApp.token=''"));
        Assert.Equal(AuthState.Disabled, Auth("jupyter", "start-notebook.py --NotebookApp.token=\"\" --ip=0.0.0.0"));
        Assert.Equal(AuthState.Disabled, Auth("jupyter", "jupyter lab --ServerApp.token="));
        Assert.Equal(AuthState.Disabled, Auth("jupyter", "jupyter lab --ServerApp.token= --no-browser"));
        Assert.Equal(AuthState.Configured, Auth("open-webui"));
        Assert.Equal(AuthState.Disabled, Auth("open-webui", "", "WEBUI_AUTH=False"));
        Assert.Equal(AuthState.Configured, Auth("open-webui", "", "WEBUI_AUTH=True"));
        Assert.Equal(AuthState.Disabled, Auth("torchserve", "torchserve --start --disable-token-auth"));
        Assert.Equal(AuthState.Disabled, Auth("torchserve", "", "TS_DISABLE_TOKEN_AUTHORIZATION=true"));
        Assert.Equal(AuthState.Disabled, Auth("elasticsearch", "", "xpack.security.enabled=false"));
        Assert.Equal(AuthState.Configured, Auth("elasticsearch", "", "xpack.security.enabled=true"));
        Assert.Equal(AuthState.Disabled, Auth("opensearch", "", "DISABLE_SECURITY_PLUGIN=true"));
    }

    [Theory]
    [InlineData("", AuthState.None)]
    [InlineData("LANGFLOW_AUTO_LOGIN=false", AuthState.Configured)]
    [InlineData("LANGFLOW_AUTO_LOGIN=False", AuthState.Configured)]
    [InlineData("LANGFLOW_AUTO_LOGIN=0", AuthState.Configured)]
    [InlineData("LANGFLOW_AUTO_LOGIN=true", AuthState.Disabled)]
    [InlineData("LANGFLOW_AUTO_LOGIN=1", AuthState.Disabled)]
    [InlineData("LANGFLOW_AUTO_LOGIN=${AUTO}", AuthState.None)] // unknown until deployment
    public void Langflow_auto_login(string env, AuthState state) =>
        Assert.Equal(state, Auth("langflow", "langflow run", env.Length == 0 ? [] : [env]));

    [Fact]
    public void A_setting_that_turns_authentication_off_wins_over_one_that_turns_it_on() =>
        Assert.Equal(AuthState.Disabled, Auth("weaviate", "", "AUTHENTICATION_APIKEY_ENABLED=true", "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true"));

    [Theory]
    [InlineData("elasticsearch", "ELASTIC_PASSWORD=changeme", "ELASTIC_PASSWORD")]
    [InlineData("elasticsearch", "ELASTIC_PASSWORD=Zq8-long-random", null)]
    [InlineData("langflow", "LANGFLOW_SUPERUSER_PASSWORD=langflow", "LANGFLOW_SUPERUSER_PASSWORD")]
    [InlineData("milvus", "MILVUS_ROOT_PASSWORD=Milvus", "MILVUS_ROOT_PASSWORD")]
    [InlineData("milvus", "MILVUS_ROOT_PASSWORD=milvus", null)] // compared exactly
    [InlineData("mlflow", "MLFLOW_TRACKING_PASSWORD=password1234", "MLFLOW_TRACKING_PASSWORD")]
    [InlineData("vllm", "VLLM_API_KEY=password", null)]
    public void Default_credentials(string id, string env, string? variable)
    {
        var pair = env.Split('=', 2);
        Assert.Equal(variable, AiServiceCatalog.Find(id)!.DefaultCredential(new Dictionary<string, string> { [pair[0]] = pair[1] }));
    }

    [Fact]
    public void The_catalog_lists_22_servers_each_recognisable()
    {
        var all = AiServiceCatalog.All;
        Assert.Equal(22, all.Count);
        Assert.Equal(all.Count, all.Select(s => s.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, s => Assert.True(s.Images.Count + s.Commands.Count > 0, s.Id));
        Assert.All(all, s => Assert.NotEmpty(s.Ports));
        // Every image of the catalog identifies its own server, not another one listed before it.
        foreach (var service in all)
            foreach (var image in service.Images) Assert.Equal(service.Id, AiServiceCatalog.Identify(image + ":1.0", "")?.Id);
    }

    [Fact]
    public void A_workload_reports_where_authentication_is_turned_off()
    {
        var deployment = Read("jupyter.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: lab}
            spec:
              template:
                spec:
                  containers:
                    - name: lab
                      image: quay.io/jupyter/scipy-notebook:2024-05-27
                      args:
                        - start-notebook.py
                        - --IdentityProvider.token=
            """);
        var workload = Workload("Deployment/lab", deployment);

        Assert.Equal(("jupyter", "Jupyter", 9), (TextAt(workload, "ai-service"), TextAt(workload, "ai-service-name"), Scalar(workload, "ai-service").Line));
        Assert.Equal(("disabled", 11), (TextAt(workload, "auth"), Scalar(workload, "auth").Line)); // at the args
        Assert.Equal("start-notebook.py --IdentityProvider.token=", TextAt(workload, "containers.command-line"));
    }

    [Fact]
    public void A_workload_reports_an_environment_setting_at_its_name_and_a_default_password()
    {
        var deployment = Read("langflow.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: flow}
            spec:
              template:
                spec:
                  containers:
                    - name: langflow
                      image: langflowai/langflow:1.1.1
                      env:
                        - name: LANGFLOW_AUTO_LOGIN
                          value: "true"
                        - name: LANGFLOW_SUPERUSER_PASSWORD
                          value: langflow
                        - name: OPENAI_API_KEY
                          valueFrom: {secretKeyRef: {name: openai, key: key}}
            """);
        var workload = Workload("Deployment/flow", deployment);

        Assert.Equal(("disabled", 11, 21), (TextAt(workload, "auth"), Scalar(workload, "auth").Line, Scalar(workload, "auth").Column));
        Assert.Equal(("LANGFLOW_SUPERUSER_PASSWORD", 13), (TextAt(workload, "default-credential"), Scalar(workload, "default-credential").Line));
        var secret = Scalar(workload, "containers.env.OPENAI_API_KEY");
        Assert.Equal(("valueFrom", ScalarKind.Expression, 16), (secret.Text, secret.Kind, secret.Line));
    }

    [Fact]
    public void A_workload_that_runs_no_AI_server_has_no_auth_fields()
    {
        var workload = Workload("services.web", Read("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n"));

        Assert.Null(workload.Get("ai-service"));
        Assert.Null(workload.Get("auth"));
        Assert.Null(workload.Get("default-credential"));
        Assert.Null(new Bulwark.Infra.Checks.InfraPath("containers.ai-service").Values(workload).FirstOrDefault());
    }
}
