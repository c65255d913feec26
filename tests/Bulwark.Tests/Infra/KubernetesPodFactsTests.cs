using Bulwark.Infra;
using Bulwark.Infra.Checks;
using static Bulwark.Tests.Infra.InfraTestKit;

namespace Bulwark.Tests.Infra;

/// <summary>What a workload says about a pod spec: GPUs, host namespaces and paths, and each container's identity and privileges.</summary>
public class KubernetesPodFactsTests
{
    private const string StatefulSet = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: tgi, namespace: ml}
        spec:
          template:
            spec:
              runtimeClassName: nvidia
              hostPID: true
              securityContext: {runAsNonRoot: true}
              volumes:
                - name: sock
                  hostPath: {path: /var/run/docker.sock}
                - name: dev
                  hostPath: {path: /dev/nvidia0}
                - name: cache
                  emptyDir: {}
              initContainers:
                - name: fetch
                  image: busybox:1.36
                  securityContext: {runAsUser: 0}
              containers:
                - name: tgi
                  image: ghcr.io/huggingface/text-generation-inference:2.4.0
                  args: ["--model-id", "x", "--api-key", "k"]
                  securityContext:
                    privileged: true
                    allowPrivilegeEscalation: false
                    capabilities: {add: [SYS_ADMIN]}
                  resources:
                    limits: {memory: 32Gi}
        """;

    private static readonly InfraMap Tgi = Workload("StatefulSet/ml/tgi", Read("tgi.yaml", StatefulSet));

    private static InfraMap Container(InfraMap workload, string name) =>
        Assert.Single(new InfraPath("containers").Values(workload).Cast<InfraMap>(), c => TextAt(c, "name") == name);

    private static (string?, int) At(InfraValue root, string path) => (TextAt(root, path), Scalar(root, path).Line);

    [Fact]
    public void Pod_level_settings()
    {
        Assert.Equal(("true", 7), At(Tgi, "gpu"));
        Assert.Equal(("true", 8), At(Tgi, "host-pid"));
        Assert.Equal(("false", 1), At(Tgi, "host-ipc"));
        Assert.Equal(["/var/run/docker.sock"], new InfraPath("host-paths").Scalars(Tgi).Select(s => s.Text));
        Assert.Equal(["/dev/nvidia0"], new InfraPath("device-nodes").Scalars(Tgi).Select(s => s.Text));
        Assert.Equal(("true", 12), At(Tgi, "docker-socket"));
        Assert.Equal(("false", "false"), (TextAt(Tgi, "exposed"), TextAt(Tgi, "network-policy")));
    }

    [Fact]
    public void Containers_and_init_containers_are_listed_with_their_own_settings()
    {
        Assert.Equal(["tgi", "fetch"], new InfraPath("containers.name").Scalars(Tgi).Select(s => s.Text));

        var tgi = Container(Tgi, "tgi");
        Assert.Equal(("false", 9), At(tgi, "run-as-root"));                  // the pod's runAsNonRoot
        Assert.Equal(("true", 26), At(tgi, "privileged"));
        Assert.Equal(("false", 27), At(tgi, "allow-privilege-escalation"));
        Assert.Equal(["SYS_ADMIN"], new InfraPath("capabilities").Scalars(tgi).Select(s => s.Text));
        Assert.Equal(("false", 30), At(tgi, "limits-set"));                  // memory without cpu
        Assert.Equal(("huggingface/text-generation-inference", "2.4.0"), (TextAt(tgi, "image-repository"), TextAt(tgi, "image-tag")));
        Assert.Equal(("--model-id x --api-key k", 24), At(tgi, "command-line"));
        Assert.Equal("tgi", TextAt(tgi, "ai-service"));

        var fetch = Container(Tgi, "fetch");
        Assert.Equal(("true", 20), At(fetch, "run-as-root"));                // its own runAsUser: 0 wins
        Assert.Equal(("false", 19), At(fetch, "privileged"));
        Assert.Equal(("true", 19), At(fetch, "allow-privilege-escalation"));
        Assert.Null(fetch.Get("ai-service"));
    }

    [Fact]
    public void The_AI_server_and_its_authentication()
    {
        Assert.Equal(("tgi", 23), At(Tgi, "ai-service"));
        Assert.Equal("Text Generation Inference", TextAt(Tgi, "ai-service-name"));
        Assert.Equal("configured", TextAt(Tgi, "auth")); // --api-key
    }

    [Theory]
    [InlineData("runAsUser: 1000", "false")]
    [InlineData("runAsUser: 0", "true")]
    [InlineData("runAsNonRoot: false", "true")]
    [InlineData("runAsNonRoot: true", "false")]
    [InlineData("runAsGroup: 1000", "true")]
    public void Run_as_root(string setting, string root)
    {
        var pod = Read("pod.yaml", $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, labels: {{app: p}}}}\nspec:\n  containers:\n    - name: c\n      image: vllm/vllm-openai:v0.6.4\n      securityContext: {{{setting}}}\n");
        Assert.Equal(root, TextAt(Workload("Pod/p", pod), "containers.run-as-root"));
    }

    [Theory]
    [InlineData("resources: {limits: {nvidia.com/gpu: 1}}")]
    [InlineData("resources: {requests: {amd.com/gpu: 1}}")]
    [InlineData("resources: {limits: {nvidia.com/mig-1g.5gb: 1}}")]
    [InlineData("env: [{name: NVIDIA_VISIBLE_DEVICES, value: all}]")]
    public void A_container_that_asks_for_a_GPU(string setting)
    {
        var pod = Read("pod.yaml", $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - name: c\n      image: app:1\n      {setting}\n");
        var workload = Workload("Pod/p", pod);
        Assert.Equal(("true", 8), At(workload, "gpu"));
        Assert.Equal(("true", 8), At(workload, "containers.gpu"));
    }

    [Theory]
    [InlineData("env: [{name: NVIDIA_VISIBLE_DEVICES, value: void}]")]
    [InlineData("resources: {limits: {cpu: 1, memory: 1Gi}}")]
    public void A_container_that_asks_for_no_GPU(string setting)
    {
        var pod = Read("pod.yaml", $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - name: c\n      image: app:1\n      {setting}\n");
        Assert.Equal(("false", 1), At(Workload("Pod/p", pod), "gpu"));
    }

    [Fact]
    public void A_GPU_node_selector_counts()
    {
        var pod = Read("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {nvidia.com/gpu.present: \"true\"}\n  containers: [{name: c, image: app:1}]\n");
        Assert.Equal(("true", 5), At(Workload("Pod/p", pod), "gpu"));
    }
}
