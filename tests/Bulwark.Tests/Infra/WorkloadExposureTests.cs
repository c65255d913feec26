using Bulwark.Infra;
using static Bulwark.Tests.Infra.InfraTestKit;

namespace Bulwark.Tests.Infra;

/// <summary>How a Kubernetes pod template becomes reachable: Services, Ingresses, routes, the host's network and ports.</summary>
public class WorkloadExposureTests
{
    private const string Address = "Deployment/ai/ollama";

    /// <summary>A Deployment of Ollama in namespace "ai", pods labelled app=ollama, tier=model.</summary>
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: ollama
          namespace: ai
        spec:
          selector:
            matchLabels: {app: ollama}
          template:
            metadata:
              labels: {app: ollama, tier: model}
            spec:
              containers:
                - name: ollama
                  image: ollama/ollama:0.5.7
                  ports:
                    - containerPort: 11434
        """;

    private static InfraFile Deploy(string text = Deployment) => Read("deploy/ollama.yaml", text);

    /// <summary>A Service whose <c>type:</c> is on line 7 of its file.</summary>
    private static InfraFile Service(string type, string ns = "ai", string selector = "{app: ollama}", string extra = "") => Read("deploy/service.yaml", $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: ollama-svc
          namespace: {ns}
        spec:
          type: {type}
          selector: {selector}
          ports:
            - port: 11434
        {extra}
        """);

    private static void AssertNotExposed(InfraMap workload)
    {
        var exposed = Scalar(workload, "exposed");
        Assert.Equal(("false", ScalarKind.Boolean), (exposed.Text, exposed.Kind));
        Assert.Equal((1, null), (exposed.Line, exposed.File)); // a "false" sits at the workload itself
        Assert.Null(workload.Get("exposed-via"));
    }

    [Theory]
    [InlineData("NodePort")]
    [InlineData("LoadBalancer")]
    public void A_NodePort_or_LoadBalancer_Service_that_selects_the_pods_exposes_them_at_its_type_line(string type)
    {
        var workload = Workload(Address, Deploy(), Service(type));

        Assert.Equal(("true", 7, "deploy/service.yaml"), Where(workload, "exposed"));
        Assert.Equal(($"Service ollama-svc of type {type}", 7, "deploy/service.yaml"), Where(workload, "exposed-via"));
        Assert.Equal("kubernetes", TextAt(workload, "platform"));
        Assert.Equal("k8s:Deployment", TextAt(workload, "kind"));
    }

    [Fact]
    public void A_ClusterIP_Service_alone_exposes_nothing() => AssertNotExposed(Workload(Address, Deploy(), Service("ClusterIP")));

    [Fact]
    public void External_IPs_on_a_ClusterIP_Service_expose_the_pods()
    {
        var workload = Workload(Address, Deploy(), Service("ClusterIP", extra: "  externalIPs: [203.0.113.10]"));

        Assert.Equal(("true", 11, "deploy/service.yaml"), Where(workload, "exposed"));
        Assert.Equal("Service ollama-svc with external IPs", TextAt(workload, "exposed-via"));
    }

    [Fact]
    public void An_empty_externalIPs_list_exposes_nothing() =>
        AssertNotExposed(Workload(Address, Deploy(), Service("ClusterIP", extra: "  externalIPs: []")));

    [Fact]
    public void A_Service_in_another_namespace_does_not_select_the_pods() =>
        AssertNotExposed(Workload(Address, Deploy(), Service("LoadBalancer", ns: "default")));

    [Theory]
    [InlineData("{app: vllm}")]
    [InlineData("{app: ollama, tier: web}")]   // every label of the selector must be on the pods
    [InlineData("{}")]                         // a Service without a selector selects no pods
    [InlineData("{app: Ollama}")]              // label values are case-sensitive
    public void A_Service_whose_selector_does_not_match_the_pod_labels_exposes_nothing(string selector) =>
        AssertNotExposed(Workload(Address, Deploy(), Service("LoadBalancer", selector: selector)));

    [Fact]
    public void A_selector_that_is_a_subset_of_the_pod_labels_selects_them() =>
        Assert.Equal("true", TextAt(Workload(Address, Deploy(), Service("NodePort", selector: "{tier: model}")), "exposed"));

    [Fact]
    public void Objects_without_a_namespace_are_in_the_default_namespace()
    {
        var deployment = Deploy(Deployment.Replace("  namespace: ai\n", "", StringComparison.Ordinal));
        Assert.Equal("true", TextAt(Workload("Deployment/ollama", deployment, Service("LoadBalancer", ns: "default")), "exposed"));
        AssertNotExposed(Workload("Deployment/ollama", deployment, Service("LoadBalancer", ns: "ai")));
    }

    private static InfraFile Ingress(string backend, string annotations = "{}", string ns = "ai", string tls = "") => Read("deploy/ingress.yaml", $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: chat
          namespace: {ns}
          annotations: {annotations}
        spec:
        {tls}{backend}
        """);

    private const string ServiceNameBackend = """
          rules:
            - host: chat.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: ollama-svc
                        port: {number: 11434}
        """;

    [Fact]
    public void An_Ingress_to_a_ClusterIP_Service_exposes_the_pods_at_the_backend_name()
    {
        var workload = Workload(Address, Deploy(), Service("ClusterIP"), Ingress(ServiceNameBackend));

        Assert.Equal(("true", 16, "deploy/ingress.yaml"), Where(workload, "exposed"));
        Assert.Equal(("Ingress chat to Service ollama-svc", 16, "deploy/ingress.yaml"), Where(workload, "exposed-via"));
        Assert.Equal(("true", 1, "deploy/ingress.yaml"), Where(workload, "ingress-without-tls"));
    }

    [Fact]
    public void An_Ingress_with_tls_still_exposes_but_is_not_without_tls()
    {
        var tls = "  tls:\n    - hosts: [chat.example.com]\n      secretName: chat-tls\n";
        var workload = Workload(Address, Deploy(), Service("ClusterIP"), Ingress(ServiceNameBackend, tls: tls));

        Assert.Equal(("true", 19, "deploy/ingress.yaml"), Where(workload, "exposed"));
        Assert.Equal(("false", 1, null), Where(workload, "ingress-without-tls"));
    }

    [Fact]
    public void A_legacy_serviceName_backend_counts()
    {
        var legacy = """
              rules:
                - http:
                    paths:
                      - backend:
                          serviceName: ollama-svc
                          servicePort: 11434
            """;
        var workload = Workload(Address, Deploy(), Service("ClusterIP"), Ingress(legacy));

        Assert.Equal(("true", 12, "deploy/ingress.yaml"), Where(workload, "exposed"));
    }

    [Fact]
    public void A_defaultBackend_counts()
    {
        var workload = Workload(Address, Deploy(), Service("ClusterIP"), Ingress("  defaultBackend:\n    service:\n      name: ollama-svc\n      port: {number: 11434}"));

        Assert.Equal(("true", 10, "deploy/ingress.yaml"), Where(workload, "exposed"));
    }

    [Fact]
    public void An_Ingress_to_another_Service_exposes_nothing() =>
        AssertNotExposed(Workload(Address, Deploy(), Service("ClusterIP"), Ingress(ServiceNameBackend.Replace("ollama-svc", "web", StringComparison.Ordinal))));

    [Fact]
    public void An_Ingress_in_another_namespace_does_not_route_to_the_Service() =>
        AssertNotExposed(Workload(Address, Deploy(), Service("ClusterIP"), Ingress(ServiceNameBackend, ns: "web")));

    [Theory]
    [InlineData("{nginx.ingress.kubernetes.io/auth-url: 'https://auth.example.com/oauth2/auth'}")]
    [InlineData("{nginx.ingress.kubernetes.io/auth-type: basic, nginx.ingress.kubernetes.io/auth-secret: basic-auth}")]
    [InlineData("{traefik.ingress.kubernetes.io/router.middlewares: 'auth-forward@kubernetescrd'}")]
    public void An_Ingress_with_an_authenticating_annotation_does_not_expose(string annotations)
    {
        var workload = Workload(Address, Deploy(), Service("ClusterIP"), Ingress(ServiceNameBackend, annotations));

        AssertNotExposed(workload);
        Assert.Equal("false", TextAt(workload, "ingress-without-tls"));
    }

    [Fact]
    public void An_unrelated_annotation_does_not_count_as_authentication() =>
        Assert.Equal("true", TextAt(Workload(Address, Deploy(), Service("ClusterIP"), Ingress(ServiceNameBackend, "{nginx.ingress.kubernetes.io/proxy-body-size: 50m}")), "exposed"));

    [Fact]
    public void A_Gateway_API_HTTPRoute_backendRef_exposes_the_pods()
    {
        var route = Read("deploy/route.yaml", """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: chat-route
              namespace: ai
            spec:
              parentRefs: [{name: public-gateway}]
              rules:
                - matches: [{path: {type: PathPrefix, value: /}}]
                  backendRefs:
                    - name: ollama-svc
                      port: 11434
            """);
        var workload = Workload(Address, Deploy(), Service("ClusterIP"), route);

        Assert.Equal(("true", 11, "deploy/route.yaml"), Where(workload, "exposed"));
        Assert.Equal("HTTPRoute chat-route to Service ollama-svc", TextAt(workload, "exposed-via"));
        Assert.Equal("false", TextAt(workload, "ingress-without-tls")); // a route is not an Ingress
    }

    [Theory]
    [InlineData("gateways", "\n          namespace: ai", true)]     // a route in the gateway's namespace reaching into "ai"
    [InlineData("gateways", "", false)]                           // without a namespace it names a Service of its own
    [InlineData("ai", "\n          namespace: other", false)]     // a Service of the same name elsewhere
    [InlineData("ai", "\n          kind: InferencePool", false)]   // not a Service at all
    public void An_HTTPRoute_backendRef_reaches_the_Service_of_the_namespace_and_kind_it_names(string routeNamespace, string reference, bool exposed)
    {
        var route = Read("deploy/route.yaml", $"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: chat-route
              namespace: {routeNamespace}
            spec:
              rules:
                - backendRefs:
                    - name: ollama-svc{reference}
                      port: 11434
            """);
        var workload = Workload(Address, Deploy(), Service("ClusterIP"), route);
        if (exposed) Assert.Equal(("true", 9, "deploy/route.yaml"), Where(workload, "exposed"));
        else AssertNotExposed(workload);
    }

    [Fact]
    public void HostNetwork_exposes_the_pods_at_its_line()
    {
        var text = Deployment.Replace("      containers:", "      hostNetwork: true\n      containers:", StringComparison.Ordinal);
        var workload = Workload(Address, Deploy(text));

        Assert.Equal(("true", 13, null), Where(workload, "exposed"));
        Assert.Equal("the node's network (hostNetwork: true)", TextAt(workload, "exposed-via"));
        Assert.Equal(("true", 13, null), Where(workload, "host-network"));
    }

    [Fact]
    public void HostNetwork_false_exposes_nothing()
    {
        var workload = Workload(Address, Deploy(Deployment.Replace("      containers:", "      hostNetwork: false\n      containers:", StringComparison.Ordinal)));

        AssertNotExposed(workload);
        Assert.Equal(("false", 1, null), Where(workload, "host-network"));
    }

    [Fact]
    public void A_host_port_exposes_the_pods()
    {
        var workload = Workload(Address, Deploy(Deployment + "\n              hostPort: 11434"));

        Assert.Equal(("true", 18), (TextAt(workload, "exposed"), Scalar(workload, "exposed").Line));
        Assert.Equal("host port 11434", TextAt(workload, "exposed-via"));
    }

    [Fact]
    public void The_first_exposure_found_is_the_one_reported()
    {
        // A LoadBalancer Service and an Ingress both reach the pods: the Service is reported.
        var workload = Workload(Address, Deploy(), Service("LoadBalancer"), Ingress(ServiceNameBackend));

        Assert.Equal(("Service ollama-svc of type LoadBalancer", 7, "deploy/service.yaml"), Where(workload, "exposed-via"));
    }

    [Fact]
    public void A_KubeRay_head_service_type_exposes_the_cluster()
    {
        var ray = Read("ray.yaml", """
            apiVersion: ray.io/v1
            kind: RayCluster
            metadata:
              name: raycluster
            spec:
              headGroupSpec:
                serviceType: LoadBalancer
                rayStartParams: {dashboard-host: 0.0.0.0}
                template:
                  spec:
                    containers:
                      - name: ray-head
                        image: rayproject/ray:2.9.0
            """);
        var workload = Workload("RayCluster/raycluster", ray);

        Assert.Equal(("true", 7, null), Where(workload, "exposed"));
        Assert.Equal("the head Service of type LoadBalancer", TextAt(workload, "exposed-via"));
        Assert.Equal(("ray", 13), (TextAt(workload, "ai-service"), Scalar(workload, "ai-service").Line));
        Assert.Equal("k8s:RayCluster", TextAt(workload, "kind"));
    }

    [Fact]
    public void A_KubeRay_head_service_of_type_ClusterIP_exposes_nothing()
    {
        var ray = Read("ray.yaml", "apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: rc}\nspec:\n  headGroupSpec:\n    serviceType: ClusterIP\n    template:\n      spec:\n        containers: [{name: head, image: rayproject/ray:2.9.0}]\n");
        AssertNotExposed(Workload("RayCluster/rc", ray));
    }

    [Fact]
    public void A_CronJob_pod_template_is_a_workload()
    {
        var cron = Read("cron.yaml", """
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: finetune
              namespace: ml
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: trainer
                          image: nvcr.io/nvidia/pytorch:24.01-py3
                          resources:
                            limits: {nvidia.com/gpu: 4}
            """);
        var workload = Workload("CronJob/ml/finetune", cron);

        Assert.Equal("k8s:CronJob", TextAt(workload, "kind"));
        Assert.Equal(("trainer", "nvidia/pytorch", "24.01-py3"), (TextAt(workload, "containers.name"), TextAt(workload, "containers.image-repository"), TextAt(workload, "containers.image-tag")));
        Assert.Equal(("true", 17), (TextAt(workload, "gpu"), Scalar(workload, "gpu").Line));
    }

    [Fact]
    public void Objects_that_run_no_pods_are_not_workloads()
    {
        var file = Read("misc.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken}\nspec:\n  template:\n    spec: {}\n");
        Assert.Empty(Workloads(file));
    }

    [Fact]
    public void A_kind_List_is_unwrapped_into_its_items()
    {
        var list = Read("all.yaml", """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ollama, namespace: ai}
                spec:
                  template:
                    metadata: {labels: {app: ollama}}
                    spec:
                      containers: [{name: ollama, image: ollama/ollama}]
              - apiVersion: v1
                kind: Service
                metadata: {name: ollama-svc, namespace: ai}
                spec:
                  type: NodePort
                  selector: {app: ollama}
            """);

        Assert.Equal(["k8s:Deployment", "k8s:Service"], list.Resources.Select(r => r.Type));
        Assert.Equal([4, 12], list.Resources.Select(r => r.Line));
        Assert.Equal(("true", 16, "all.yaml"), Where(Workload(Address, list), "exposed"));
    }

    [Fact]
    public void An_exposure_finding_points_at_the_Services_type_line_in_the_Services_file()
    {
        var findings = Run(Catalog("BW-INFRA-EXPOSED-OLLAMA"), Deploy(), Service("LoadBalancer"));

        var finding = Assert.Single(findings);
        Assert.Equal(("deploy/service.yaml", 7, 9), (finding.Location.Path, finding.Location.Line, finding.Location.Column));
        Assert.Equal(Address, finding.Location.Place);
        Assert.Equal("Ollama (Deployment/ai/ollama) is reachable through Service ollama-svc of type LoadBalancer without authentication", finding.Message);
    }

    [Fact]
    public void A_network_policy_with_an_empty_podSelector_selects_every_pod_of_its_namespace()
    {
        var policy = Read("policy.yaml", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: ai}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n");
        Assert.Equal("true", TextAt(Workload(Address, Deploy(), policy), "network-policy"));
        Assert.Equal("false", TextAt(Workload(Address, Deploy()), "network-policy"));
    }

    [Theory]
    [InlineData("{}", "[Egress]", "ai")]                                // egress only does not restrict who reaches the pods
    [InlineData("{}", "[Ingress]", "default")]                          // another namespace
    [InlineData("{matchLabels: {app: vllm}}", "[Ingress]", "ai")]       // other pods
    [InlineData("{matchExpressions: [{key: app, operator: In, values: [vllm]}]}", "[Ingress]", "ai")]
    [InlineData("{matchExpressions: [{key: app, operator: DoesNotExist}]}", "[Ingress]", "ai")]
    [InlineData("{matchLabels: {app: ollama}, matchExpressions: [{key: tier, operator: NotIn, values: [model]}]}", "[Ingress, Egress]", "ai")]
    public void A_network_policy_that_does_not_restrict_ingress_to_the_pods_does_not_count(string podSelector, string types, string ns)
    {
        var policy = Read("policy.yaml", $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: {ns}}}\nspec:\n  podSelector: {podSelector}\n  policyTypes: {types}\n");
        Assert.Equal("false", TextAt(Workload(Address, Deploy(), policy), "network-policy"));
    }

    [Theory]
    [InlineData("{matchLabels: {app: ollama}}", "[Ingress, Egress]")]
    [InlineData("{matchLabels: {tier: model}}", "[]")]
    [InlineData("{matchExpressions: [{key: app, operator: In, values: [vllm, ollama]}]}", "[Ingress]")]
    [InlineData("{matchExpressions: [{key: tier, operator: Exists}, {key: app, operator: NotIn, values: [web]}]}", "[Ingress]")]
    public void A_network_policy_that_selects_the_pods_counts(string podSelector, string types)
    {
        var policy = Read("policy.yaml", $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: ai}}\nspec:\n  podSelector: {podSelector}\n  policyTypes: {types}\n");
        Assert.Equal("true", TextAt(Workload(Address, Deploy(), policy), "network-policy"));
    }
}
