using Bulwark.Infra;
using static Bulwark.Tests.Infra.InfraTestKit;

namespace Bulwark.Tests.Infra;

/// <summary>Compose services as workloads: published ports, the host's network, environment, users, mounts and GPUs.</summary>
public class ComposeWorkloadTests
{
    private const string Address = "services.api";

    /// <summary>A compose file whose service <c>api</c> starts on line 2; the given lines follow its image (line 3), from line 4.</summary>
    private static InfraMap Api(string serviceLines, string image = "vllm/vllm-openai:v0.6.4")
    {
        var body = string.Join("\n", serviceLines.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => "    " + l));
        var file = Read("docker-compose.yml", $"services:\n  api:\n    image: {image}\n{body}\n");
        Assert.Empty(file.Errors);
        Assert.Equal(InfraFormat.Compose, file.Format);
        return Workload(Address, file);
    }

    [Theory]
    [InlineData("\"8000\"", "8000")]                       // a container port alone gets a random host port on every interface
    [InlineData("8000", "8000")]                           // as a YAML number
    [InlineData("\"8000:8000\"", "8000:8000")]
    [InlineData("8000:8000", "8000:8000")]                 // unquoted
    [InlineData("\"0.0.0.0:8000:8000\"", "0.0.0.0:8000:8000")]
    [InlineData("\"[::]:8000:8000\"", "[::]:8000:8000")]
    [InlineData("\"192.168.1.10:8000:8000/tcp\"", "192.168.1.10:8000:8000/tcp")]
    [InlineData("\"8000-8010:8000-8010\"", "8000-8010:8000-8010")]
    public void A_port_published_without_a_loopback_address_exposes_the_service(string port, string described)
    {
        var workload = Api($"ports:\n  - {port}");

        Assert.Equal(("true", 5, null), Where(workload, "exposed"));
        Assert.Equal(($"published port {described}", 5), (TextAt(workload, "exposed-via"), Scalar(workload, "exposed-via").Line));
        Assert.Equal(("compose", "compose:service"), (TextAt(workload, "platform"), TextAt(workload, "kind")));
    }

    [Theory]
    [InlineData("\"127.0.0.1:8000:8000\"")]
    [InlineData("\"127.0.0.1::8000\"")]
    [InlineData("\"127.0.1.1:8000:8000\"")]
    [InlineData("\"localhost:8000:8000\"")]
    [InlineData("\"[::1]:8000:8000\"")]
    [InlineData("{target: 8000, published: 8000, host_ip: 127.0.0.1}")]
    [InlineData("{target: 8000, published: 8000, host_ip: '::1'}")]
    public void A_port_bound_to_loopback_exposes_nothing(string port)
    {
        var workload = Api($"ports:\n  - {port}");

        Assert.Equal(("false", 2, null), Where(workload, "exposed")); // at the service's key
        Assert.Null(workload.Get("exposed-via"));
    }

    [Fact]
    public void A_service_without_ports_is_not_exposed_and_expose_does_not_publish() =>
        Assert.Equal("false", TextAt(Api("expose: [\"8000\"]"), "exposed"));

    [Theory]
    [InlineData("{target: 8000, published: \"8000\"}", "published port 8000:8000")]
    [InlineData("{target: 8000, published: 8080, host_ip: 0.0.0.0}", "published port 8080:8000")]
    [InlineData("{target: 8000}", "published port (random):8000")]
    public void A_long_syntax_port_without_a_loopback_host_ip_exposes_the_service(string port, string via)
    {
        var workload = Api($"ports:\n  - {port}");

        Assert.Equal(("true", 5), (TextAt(workload, "exposed"), Scalar(workload, "exposed").Line));
        Assert.Equal(via, TextAt(workload, "exposed-via"));
    }

    [Fact]
    public void The_first_port_open_to_all_is_the_one_reported()
    {
        var workload = Api("ports:\n  - \"127.0.0.1:8000:8000\"\n  - \"9090:9090\"");

        Assert.Equal(("true", 6), (TextAt(workload, "exposed"), Scalar(workload, "exposed").Line));
        Assert.Equal("published port 9090:9090", TextAt(workload, "exposed-via"));
    }

    [Fact]
    public void Host_network_mode_exposes_the_service_and_shares_the_host_network()
    {
        var workload = Api("network_mode: host\nports: [\"127.0.0.1:8000:8000\"]");

        Assert.Equal(("true", 4, null), Where(workload, "exposed"));
        Assert.Equal("the host's network (network_mode: host)", TextAt(workload, "exposed-via"));
        Assert.Equal(("true", 4, null), Where(workload, "host-network"));
        Assert.Null(workload.Get("network-policy")); // Kubernetes only
    }

    [Fact]
    public void Other_network_modes_do_not_share_the_host_network()
    {
        var workload = Api("network_mode: \"service:vpn\"\npid: host\nipc: host");

        Assert.Equal(("false", "false"), (TextAt(workload, "exposed"), TextAt(workload, "host-network")));
        Assert.Equal(("true", 5), (TextAt(workload, "host-pid"), Scalar(workload, "host-pid").Line));
        Assert.Equal(("true", 6), (TextAt(workload, "host-ipc"), Scalar(workload, "host-ipc").Line));
    }

    private static InfraMap Env(InfraMap workload) => Assert.IsType<InfraMap>(Assert.Single(new Bulwark.Infra.Checks.InfraPath("containers.env").Values(workload)));

    [Theory]
    [InlineData("pa$$word", "pa$word", ScalarKind.Text)]            // $$ is compose's escaped dollar: a literal
    [InlineData("sk-$$$$x", "sk-$$x", ScalarKind.Text)]
    [InlineData("$$HOME/x", "$HOME/x", ScalarKind.Text)]
    [InlineData("cost: 5$", "cost: 5$", ScalarKind.Text)]            // a lone dollar before nothing interpolates nothing
    [InlineData("$${KEY}-${KEY}", "$${KEY}-${KEY}", ScalarKind.Expression)]
    public void An_escaped_dollar_is_a_literal_and_any_other_interpolation_an_expression(string written, string value, ScalarKind kind)
    {
        var env = Env(Api($"environment:\n  SECRET: '{written}'"));
        var scalar = (InfraScalar)Assert.Single(env.Entries).Value;
        Assert.Equal((value, kind), (scalar.Text, scalar.Kind));
    }

    [Fact]
    public void Environment_as_a_map_keeps_literals_and_makes_interpolations_expressions()
    {
        var env = Env(Api("environment:\n  VLLM_API_KEY: ${VLLM_KEY}\n  LOG_LEVEL: debug\n  PORT: 8000\n  PASSWORD: \"pa$word\"\n  EMPTY: \"\"\n  FROM_SHELL:"));

        Assert.Equal(["VLLM_API_KEY", "LOG_LEVEL", "PORT", "PASSWORD", "EMPTY", "FROM_SHELL"], env.Entries.Select(e => e.Key));
        Assert.Equal([5, 6, 7, 8, 9, 10], env.Entries.Select(e => e.Line));
        var values = env.Entries.Select(e => (InfraScalar)e.Value).Select(v => (v.Text, v.Kind)).ToList();
        Assert.Equal(("${VLLM_KEY}", ScalarKind.Expression), values[0]);
        Assert.Equal(("debug", ScalarKind.Text), values[1]);
        Assert.Equal(("8000", ScalarKind.Number), values[2]);
        Assert.Equal(("pa$word", ScalarKind.Expression), values[3]);
        Assert.Equal(("", ScalarKind.Text), values[4]);
        // A key without a value is taken from the shell at deploy time: unknown, not empty.
        Assert.Equal(ScalarKind.Expression, values[5].Kind);
    }

    [Fact]
    public void Environment_as_a_list_splits_at_the_first_equals_sign()
    {
        var env = Env(Api("environment:\n  - VLLM_API_KEY=${VLLM_KEY}\n  - LOG_LEVEL=debug\n  - ARGS=--a=b\n  - EMPTY=\n  - FROM_SHELL"));

        Assert.Equal(["VLLM_API_KEY", "LOG_LEVEL", "ARGS", "EMPTY", "FROM_SHELL"], env.Entries.Select(e => e.Key));
        Assert.Equal([5, 6, 7, 8, 9], env.Entries.Select(e => e.Line));
        var values = env.Entries.Select(e => (InfraScalar)e.Value).ToList();
        Assert.Equal(("${VLLM_KEY}", ScalarKind.Expression, 5, 22), (values[0].Text, values[0].Kind, values[0].Line, values[0].Column));
        Assert.Equal(("debug", ScalarKind.Text, 6, 19), (values[1].Text, values[1].Kind, values[1].Line, values[1].Column));
        Assert.Equal(("--a=b", ScalarKind.Text), (values[2].Text, values[2].Kind));
        Assert.Equal(("", ScalarKind.Text), (values[3].Text, values[3].Kind));
        Assert.Equal(ScalarKind.Expression, values[4].Kind);
    }

    [Theory]
    [InlineData("user: root", "true", 4)]
    [InlineData("user: \"0:0\"", "true", 4)]
    [InlineData("user: \"1000\"", "false", 4)]
    [InlineData("user: 1000", "false", 4)]
    [InlineData("user: \"1000:1000\"", "false", 4)]
    [InlineData("restart: always", "true", 3)]      // no user: the image's, root for most
    public void The_user_decides_whether_the_container_runs_as_root(string line, string root, int at)
    {
        var workload = Api(line);
        Assert.Equal((root, at), (TextAt(workload, "containers.run-as-root"), Scalar(workload, "containers.run-as-root").Line));
    }

    [Fact]
    public void Bind_mounts_are_host_paths_and_named_and_anonymous_volumes_are_not()
    {
        var workload = Api("""
            volumes:
              - ./models:/models:ro
              - ollama:/root/.ollama
              - /var/cache/huggingface
              - ~/.cache:/cache
              - type: bind
                source: /srv/data
                target: /data
              - type: volume
                source: data
                target: /data2
              - /var/run/docker.sock:/var/run/docker.sock
            """);

        var paths = Assert.IsType<InfraList>(workload.Get("host-paths")).Items.Cast<InfraScalar>().ToList();
        Assert.Equal(["./models", "~/.cache", "/srv/data", "/var/run/docker.sock"], paths.Select(p => p.Text));
        Assert.Equal([5, 8, 10, 15], paths.Select(p => p.Line));
        Assert.Equal(("true", 15), (TextAt(workload, "docker-socket"), Scalar(workload, "docker-socket").Line));
        Assert.Empty(Assert.IsType<InfraList>(workload.Get("device-nodes")).Items);
    }

    [Fact]
    public void Devices_are_device_nodes_and_CDI_names_are_GPUs_not_host_paths()
    {
        var workload = Api("devices:\n  - /dev/nvidia0:/dev/nvidia0\n  - /dev/kfd\n  - nvidia.com/gpu=all");

        Assert.Equal(["/dev/nvidia0", "/dev/kfd"], Assert.IsType<InfraList>(workload.Get("device-nodes")).Items.Cast<InfraScalar>().Select(s => s.Text));
        Assert.Empty(Assert.IsType<InfraList>(workload.Get("host-paths")).Items);
        Assert.Equal(("true", 7), (TextAt(workload, "gpu"), Scalar(workload, "gpu").Line));
    }

    [Fact]
    public void A_GPU_device_reservation_is_a_GPU()
    {
        var workload = Api("""
            deploy:
              resources:
                limits: {memory: 16g, cpus: "4"}
                reservations:
                  devices:
                    - driver: nvidia
                      count: all
                      capabilities: [gpu]
            """);

        Assert.Equal(("true", 9), (TextAt(workload, "gpu"), Scalar(workload, "gpu").Line));
        Assert.Equal(("true", 9), (TextAt(workload, "containers.gpu"), Scalar(workload, "containers.gpu").Line));
        Assert.Equal(("true", 6), (TextAt(workload, "containers.limits-set"), Scalar(workload, "containers.limits-set").Line));
    }

    [Theory]
    [InlineData("deploy: {resources: {reservations: {devices: [{capabilities: [gpu], count: 1}]}}}", 4)]
    [InlineData("runtime: nvidia", 4)]
    [InlineData("gpus: all", 4)]
    [InlineData("environment: [NVIDIA_VISIBLE_DEVICES=all]", 4)]
    public void Other_ways_to_ask_for_a_GPU(string line, int at)
    {
        var workload = Api(line);
        Assert.Equal(("true", at), (TextAt(workload, "gpu"), Scalar(workload, "gpu").Line));
    }

    [Theory]
    [InlineData("deploy: {resources: {reservations: {devices: [{capabilities: [tpu]}]}}}")]
    [InlineData("runtime: runc")]
    [InlineData("environment: [NVIDIA_VISIBLE_DEVICES=void]")]
    public void Settings_that_ask_for_no_GPU(string line) => Assert.Equal(("false", 2), (TextAt(Api(line), "gpu"), Scalar(Api(line), "gpu").Line));

    [Fact]
    public void Privileged_and_capabilities_are_read()
    {
        var workload = Api("privileged: true\ncap_add: [SYS_ADMIN, NET_ADMIN]\nsecurity_opt: [\"no-new-privileges:true\"]");

        Assert.Equal(("true", 4), (TextAt(workload, "containers.privileged"), Scalar(workload, "containers.privileged").Line));
        Assert.Equal(["SYS_ADMIN", "NET_ADMIN"], new Bulwark.Infra.Checks.InfraPath("containers.capabilities").Scalars(workload).Select(s => s.Text));
        Assert.Equal(("false", 6), (TextAt(workload, "containers.allow-privilege-escalation"), Scalar(workload, "containers.allow-privilege-escalation").Line));
    }

    [Fact]
    public void A_custom_image_is_identified_by_its_command()
    {
        var workload = Api("command: vllm serve meta-llama/Llama-3.1-8B-Instruct --api-key ${KEY}", image: "python:3.12-slim");

        Assert.Equal(("vllm", "vLLM", 3), (TextAt(workload, "ai-service"), TextAt(workload, "ai-service-name"), Scalar(workload, "ai-service").Line));
        Assert.Equal("configured", TextAt(workload, "auth"));
        Assert.Equal(("vllm serve meta-llama/Llama-3.1-8B-Instruct --api-key ${KEY}", 4), (TextAt(workload, "containers.command-line"), Scalar(workload, "containers.command-line").Line));
    }

    [Fact]
    public void Entrypoint_and_command_lists_join_into_the_command_line()
    {
        var workload = Api("entrypoint: [\"python3\", \"-m\"]\ncommand: [\"vllm.entrypoints.openai.api_server\", \"--port\", \"8000\"]", image: "registry.local/base:1");

        Assert.Equal("python3 -m vllm.entrypoints.openai.api_server --port 8000", TextAt(workload, "containers.command-line"));
        Assert.Equal("vllm", TextAt(workload, "ai-service"));
    }

    [Fact]
    public void A_jupyter_token_taken_from_the_shell_does_not_turn_authentication_off()
    {
        Assert.Equal("configured", TextAt(Api("environment: [JUPYTER_TOKEN]", image: "jupyter/base-notebook:2024-05-27"), "auth"));
        Assert.Equal("configured", TextAt(Api("environment:\n  JUPYTER_TOKEN:", image: "jupyter/base-notebook:2024-05-27"), "auth"));
        Assert.Equal(("disabled", 5), (TextAt(Api("environment:\n  JUPYTER_TOKEN: \"\"", image: "jupyter/base-notebook:2024-05-27"), "auth"), Scalar(Api("environment:\n  JUPYTER_TOKEN: \"\"", image: "jupyter/base-notebook:2024-05-27"), "auth").Line));
        Assert.Equal(("disabled", 5), (TextAt(Api("environment:\n  - JUPYTER_TOKEN=", image: "jupyter/base-notebook:2024-05-27"), "auth"), Scalar(Api("environment:\n  - JUPYTER_TOKEN=", image: "jupyter/base-notebook:2024-05-27"), "auth").Line));
    }

    [Fact]
    public void Anchors_and_merge_keys_let_a_service_override_its_defaults()
    {
        var file = Read("docker-compose.yml", """
            x-defaults: &defaults
              image: ollama/ollama:0.5.7
              ports: ["11434:11434"]
              restart: always
            services:
              local:
                <<: *defaults
                ports: ["127.0.0.1:11434:11434"]
              public:
                <<: *defaults
            """);

        Assert.Equal(["local", "public"], file.Resources.Select(r => r.Name));
        Assert.Equal("false", TextAt(Workload("services.local", file), "exposed"));
        Assert.Equal(("true", 3), (TextAt(Workload("services.public", file), "exposed"), Scalar(Workload("services.public", file), "exposed").Line));
        Assert.Equal("ollama", TextAt(Workload("services.local", file), "ai-service"));
    }
}
