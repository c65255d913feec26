using System.Diagnostics;
using System.Text;
using Bulwark.Infra;
using Bulwark.Tests.Models;

namespace Bulwark.Tests.Infra;

/// <summary>
/// Seeded mutations of Kubernetes manifests and compose files through the reader and every embedded infrastructure
/// rule: nothing throws, every error and finding points inside the text, and each input costs bounded time.
/// </summary>
[Collection(SerialFuzzing.Name)]
public class InfraYamlFuzzTests
{
    private const string Manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: vllm
          namespace: ai
          labels: &labels {app: vllm}
        spec:
          selector: {matchLabels: *labels}
          template:
            metadata: {labels: *labels}
            spec:
              hostNetwork: false
              securityContext: {runAsNonRoot: true}
              volumes:
                - name: models
                  hostPath: {path: /srv/models}
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.4@sha256:0123abcd
                  args: ["--model", "meta-llama/Llama-3.1-8B", "--api-key", "$(KEY)"]
                  env:
                    - name: VLLM_API_KEY
                      valueFrom: {secretKeyRef: {name: vllm, key: key}}
                    - name: OPENAI_API_KEY
                      value: sk-test-0123456789abcdef
                  ports: [{containerPort: 8000, hostPort: 8000}]
                  resources:
                    limits: {nvidia.com/gpu: 1, memory: 32Gi, cpu: "8"}
                  securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: vllm, namespace: ai}
        spec:
          type: LoadBalancer
          selector: {app: vllm}
          externalIPs: [203.0.113.7]
          ports: [{port: 8000}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: chat
          namespace: ai
          annotations: {nginx.ingress.kubernetes.io/auth-url: "https://auth/x"}
        spec:
          defaultBackend: {service: {name: vllm, port: {number: 8000}}}
          rules:
            - http: {paths: [{path: /, backend: {serviceName: vllm, servicePort: 8000}}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: ai}
        spec:
          podSelector: {matchExpressions: [{key: app, operator: In, values: [vllm]}]}
          policyTypes: [Ingress]
        ---
        apiVersion: v1
        kind: List
        items:
          - apiVersion: ray.io/v1
            kind: RayCluster
            metadata: {name: rc}
            spec:
              headGroupSpec:
                serviceType: NodePort
                template: {spec: {containers: [{name: head, image: rayproject/ray:2.9.0}]}}
          - apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nb}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                        - name: lab
                          image: jupyter/base-notebook
                          args: [start-notebook.py, "--NotebookApp.token=''"]
        """;

    private const string Compose = """
        x-gpu: &gpu
          deploy:
            resources:
              reservations:
                devices: [{driver: nvidia, count: all, capabilities: [gpu]}]
        services:
          ollama:
            <<: *gpu
            image: ollama/ollama:latest
            ports: ["11434:11434", "127.0.0.1:8080:8080", {target: 80, host_ip: "::1"}]
            volumes: [./models:/root/.ollama, /var/run/docker.sock:/var/run/docker.sock, cache:/cache]
            devices: [/dev/nvidia0:/dev/nvidia0, nvidia.com/gpu=all]
            environment:
              OLLAMA_HOST: 0.0.0.0
              OPENAI_API_KEY: ${OPENAI_API_KEY}
          webui:
            image: ghcr.io/open-webui/open-webui:v0.5.4
            network_mode: host
            user: root
            environment: [WEBUI_AUTH=False, "ANTHROPIC_API_KEY=sk-ant-0123456789", JUPYTER_TOKEN]
          es:
            image: elasticsearch:8.17.0
            runtime: nvidia
            gpus: all
            privileged: true
            environment: {xpack.security.enabled: "false", ELASTIC_PASSWORD: changeme}
            command: ["bin/elasticsearch", "-E", "x=y"]
        """;

    private static readonly string[] Insertions =
    [
        ":", ": ", "- ", "-", "{", "}", "[", "]", ",", "&a ", "*a", "*labels", "&x [*x]", "<<: *gpu\n", "<<: [*gpu, *gpu]\n", "---\n", "...\n",
        "'", "\"", "\t", "\n", "\n  ", "\n      ", "#", "!!str ", "!!binary ", "|\n", ">-\n", "? ", "%YAML 1.2\n", "\\", "${", "\u0000", "\uFEFF", "\r\n",
        "kind: List\nitems:\n", "apiVersion: v1\n", "hostNetwork: true", "type: NodePort", "host_ip: 127.0.0.1",
    ];

    private static readonly Lazy<InfraAnalyzer> Analyzer = new(() => new InfraAnalyzer(InfraTestKit.AllRules));

    [Fact]
    public void Mutated_kubernetes_manifests_never_throw_and_point_inside_the_text() => Fuzz("deploy/vllm.yaml", Manifests, 4000, 20260614);

    [Fact]
    public void Mutated_compose_files_never_throw_and_point_inside_the_text() => Fuzz("docker-compose.yml", Compose, 4000, 20260615);

    [Fact]
    public void The_seeds_are_read_whole_and_raise_findings()
    {
        foreach (var (name, text) in new[] { ("deploy/vllm.yaml", Manifests), ("docker-compose.yml", Compose) })
        {
            var file = InfraFileReader.Read(name, name, text)!;
            Assert.Empty(file.Errors);
            Assert.True(Analyzer.Value.Analyze([file]).Count >= 5, name);
        }
    }

    private static void Fuzz(string name, string seed, int count, int randomSeed)
    {
        var random = new Random(randomSeed);
        var clock = Stopwatch.StartNew();
        int read = 0, withErrors = 0, withFindings = 0;
        for (var i = 0; i < count; i++)
        {
            var text = Mutate(seed, random);
            var watch = Stopwatch.StartNew();
            var file = InfraFileReader.Read(name, name, text);
            if (file is null) continue;
            read++;
            var findings = Analyzer.Value.Analyze([file]);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"mutation {i} took {watch.Elapsed}");
            // YAML breaks lines at \r, \n, \r\n, and also NEL, LS and PS; counting each character bounds its line count.
            var lines = text.Count(c => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029') + 1;
            Assert.True(file.Errors.Count <= 1, $"mutation {i}: {file.Errors.Count} errors"); // YAML stops at its first error
            foreach (var error in file.Errors)
            {
                Assert.True(error.Line >= 1 && error.Column >= 1, $"mutation {i}: {error}");
                Assert.True(error.Line <= lines, $"mutation {i}: {error} past {lines} lines:\n{Excerpt(text)}");
            }
            foreach (var finding in findings)
            {
                Assert.True(finding.Location.Line >= 1 && finding.Location.Line <= lines && finding.Location.Column >= 1, $"mutation {i}: {finding.RuleId} at {finding.Location} of {lines} lines: {finding.Message}");
                Assert.Equal(name, finding.Location.Path);
            }
            if (file.Errors.Count > 0) withErrors++;
            if (findings.Any(f => f.RuleId != InfraRuleIds.ParseError)) withFindings++;
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"fuzzing took {clock.Elapsed}");
        // The mutations reach broken files, files that still parse, and checks that still fire.
        Assert.InRange(withErrors, count / 20, read - count / 20);
        Assert.True(withFindings > count / 4, $"{withFindings} of {read} read files had findings");
    }

    /// <summary>The mutated text for a failure message, its line breaks visible and its length bounded.</summary>
    private static string Excerpt(string text) => (text.Length <= 4000 ? text : text[..4000] + "…").Replace("\r", "<CR>", StringComparison.Ordinal);

    private static string Mutate(string seed, Random random)
    {
        var text = new StringBuilder(seed);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(8))
            {
                case 0: text[at] = (char)(text[at] ^ (1 << random.Next(7))); break; // bit flip
                case 1: text[at] = (char)random.Next(0x20, 0x7f); break;
                case 2: text.Length = at; break; // truncate
                case 3:
                case 4: text.Insert(at, Insertions[random.Next(Insertions.Length)]); break;
                case 5: text.Insert(at, new string((char)random.Next(0x21, 0x7f), random.Next(100, 20_000))); break; // long token
                case 6: text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at)); break;
                default: text.Insert(at, string.Concat(Enumerable.Repeat(Insertions[random.Next(Insertions.Length)], random.Next(2, 300)))); break;
            }
        }
        return text.ToString();
    }
}

/// <summary>Hostile files that are valid YAML but costly to join: the analysis of one stays bounded.</summary>
[Collection(SerialFuzzing.Name)]
public class InfraJoinCostTests
{
    [Fact]
    public void An_Ingress_expanded_by_aliases_and_many_Deployments_are_analysed_in_bounded_time()
    {
        var text = new StringBuilder();
        text.Append("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bomb, namespace: ai}\nspec:\n  x0: &x0 [{service: {name: a}}, {service: {name: b}}, {service: {name: c}}, {service: {name: d}}, {service: {name: e}}, {service: {name: f}}, {service: {name: g}}, {service: {name: h}}, {service: {name: i}}, {service: {name: j}}]\n");
        for (var i = 1; i < 5; i++) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  x{i}: &x{i} [{string.Join(", ", Enumerable.Repeat($"*x{i - 1}", 10))}]\n");
        for (var i = 0; i < 600; i++)
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}, namespace: ai}}\nspec:\n  template:\n    metadata: {{labels: {{app: d{i}}}}}\n    spec: {{containers: [{{name: c, image: ollama/ollama}}]}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: {(i % 2 == 0 ? "a" : "zz")}, namespace: ai}}\nspec: {{selector: {{app: d{i}}}}}\n");
        var file = InfraFileReader.Read("bomb.yaml", "bomb.yaml", text.ToString())!;
        Assert.Empty(file.Errors);

        var clock = Stopwatch.StartNew();
        var findings = new InfraAnalyzer(InfraTestKit.AllRules).Analyze([file]);

        // Half the Deployments are selected by a Service the Ingress routes to; the other half make it walk every backend.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(300, findings.Count(f => f.RuleId == "BW-INFRA-EXPOSED-OLLAMA"));
    }
}
