using Bulwark.Infra.Parsing;

namespace Bulwark.Infra.Workloads;

/// <summary>
/// Pod templates of Kubernetes objects (Pods, Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, KubeRay
/// RayClusters and any custom kind with a <c>spec.template</c>), with their exposure through Services of type
/// LoadBalancer or NodePort, external IPs, Ingresses, Gateway API routes, host ports and the host network.
/// </summary>
internal static class KubernetesWorkloads
{
    private static readonly string[] GpuResourceMarkers = ["nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com", "nvidia.com/mig"];

    public static IEnumerable<WorkloadFacts> Read(IReadOnlyList<InfraResource> resources)
    {
        var objects = resources.Where(r => r.Type.StartsWith(KubernetesManifest.TypePrefix, StringComparison.Ordinal)).ToList();
        var services = objects.Where(r => r.Type == "k8s:Service").ToList();
        // Each route's backends are read once: its spec may be an alias-expanded tree of up to a million values, and
        // walking it again for every workload of a namespace made a small file cost minutes.
        var routes = objects.Where(r => r.Type is "k8s:Ingress" or "k8s:HTTPRoute" or "k8s:GRPCRoute" && !HasEdgeAuthentication(r))
            .Select(r => new Route(r, KubernetesManifest.Namespace(r), FirstBackends(r))).ToList();
        var policies = objects.Where(r => r.Type == "k8s:NetworkPolicy").ToList();
        foreach (var resource in objects)
        {
            if (PodTemplate(resource) is not (var spec, var labels)) continue;
            var workload = new WorkloadFacts { Source = resource, Platform = "kubernetes" };
            ReadPod(spec, workload);
            var ns = KubernetesManifest.Namespace(resource);
            Expose(workload, resource, spec, labels, ns, services, routes);
            workload.NetworkPolicy = policies.Any(p => KubernetesManifest.Namespace(p) == ns && PolicySelects(p, labels));
            yield return workload;
        }
    }

    /// <summary>The pod spec and pod labels of an object that runs pods, or null.</summary>
    private static (InfraMap Spec, InfraMap Labels)? PodTemplate(InfraResource resource)
    {
        var body = resource.Body;
        var spec = body.Get("spec") as InfraMap;
        if (resource.Type == "k8s:Pod") return spec is null ? null : (spec, Labels(body));
        var template = spec?.Get("template") as InfraMap
            ?? ((spec?.Get("jobTemplate") as InfraMap)?.Get("spec") as InfraMap)?.Get("template") as InfraMap
            ?? (spec?.Get("headGroupSpec") as InfraMap)?.Get("template") as InfraMap;
        return template?.Get("spec") is InfraMap podSpec && podSpec.Get("containers") is InfraList ? (podSpec, Labels(template)) : null;
    }

    private static InfraMap Labels(InfraMap withMetadata) =>
        (withMetadata.Get("metadata") as InfraMap)?.Get("labels") as InfraMap ?? InfraMap.Empty(withMetadata.Line, withMetadata.Column);

    private static void ReadPod(InfraMap spec, WorkloadFacts workload)
    {
        workload.HostNetwork = spec.Get("hostNetwork");
        workload.HostPid = spec.Get("hostPID");
        workload.HostIpc = spec.Get("hostIPC");
        var podSecurity = spec.Get("securityContext") as InfraMap;
        var volumes = new Dictionary<string, InfraScalar>(StringComparer.Ordinal);
        foreach (var volume in InfraList.ItemsOf(spec.Get("volumes")).OfType<InfraMap>())
        {
            if ((volume.Get("hostPath") as InfraMap)?.Get("path") is InfraScalar path)
            {
                workload.HostPaths.Add(path);
                if (volume.Text("name") is { } name) volumes[name] = path;
            }
        }
        if (spec.Get("runtimeClassName") is InfraScalar runtime && runtime.Text.Contains("nvidia", StringComparison.OrdinalIgnoreCase)) workload.Gpu = runtime;
        if ((spec.Get("nodeSelector") as InfraMap)?.Entries.FirstOrDefault(e => e.Key.Contains("nvidia.com/gpu", StringComparison.Ordinal)) is { } selector) workload.Gpu ??= selector.Value;
        foreach (var container in InfraList.ItemsOf(spec.Get("containers")).Concat(InfraList.ItemsOf(spec.Get("initContainers"))).OfType<InfraMap>())
        {
            var facts = ReadContainer(container, podSecurity);
            workload.Containers.Add(facts);
            workload.Gpu ??= facts.Gpu;
        }
    }

    private static ContainerFacts ReadContainer(InfraMap container, InfraMap? podSecurity)
    {
        var command = InfraList.ItemsOf(container.Get("command")).Concat(InfraList.ItemsOf(container.Get("args"))).OfType<InfraScalar>().Select(s => s.Text);
        var facts = new ContainerFacts
        {
            Name = container.Text("name") ?? "",
            Image = container.Get("image") as InfraScalar,
            CommandLine = string.Join(' ', command),
            Command = container.Get("args") ?? container.Get("command"),
        };
        foreach (var variable in InfraList.ItemsOf(container.Get("env")).OfType<InfraMap>())
        {
            if (variable.Get("name") is not InfraScalar name) continue;
            var value = variable.Get("value") ?? (variable.Get("valueFrom") is { } from ? new InfraScalar("valueFrom", ScalarKind.Expression, from.Line, from.Column) : new InfraScalar("", ScalarKind.Null, name.Line, name.Column));
            facts.Env.Add(new InfraEntry(name.Text, value, name.Line, name.Column));
            if (name.Text == "NVIDIA_VISIBLE_DEVICES" && value is InfraScalar { Text: not ("void" or "none" or "") }) facts.Gpu ??= name;
        }
        var security = container.Get("securityContext") as InfraMap;
        facts.Privileged = security?.Get("privileged");
        if (security?.Get("allowPrivilegeEscalation") is InfraScalar { IsFalse: true } noEscalation) facts.NoPrivilegeEscalation = noEscalation;
        // The container's own settings win over the pod's, as the kubelet applies them.
        var runAsUser = security?.Get("runAsUser") as InfraScalar ?? podSecurity?.Get("runAsUser") as InfraScalar;
        var runAsNonRoot = security?.Get("runAsNonRoot") as InfraScalar ?? podSecurity?.Get("runAsNonRoot") as InfraScalar;
        facts.User = (InfraValue?)runAsUser ?? runAsNonRoot;
        facts.RunsAsRoot = runAsUser is not null ? runAsUser.Text.Trim() == "0" : runAsNonRoot is not { IsTrue: true };
        foreach (var capability in InfraList.ItemsOf((security?.Get("capabilities") as InfraMap)?.Get("add")).OfType<InfraScalar>()) facts.Capabilities.Add(capability);
        var resources = container.Get("resources") as InfraMap;
        var limits = resources?.Get("limits") as InfraMap;
        facts.MemoryLimit = limits?.Get("memory");
        facts.CpuLimit = limits?.Get("cpu");
        foreach (var quantities in new[] { limits, resources?.Get("requests") as InfraMap })
        {
            if (quantities?.Entries.FirstOrDefault(e => GpuResourceMarkers.Any(m => e.Key.StartsWith(m, StringComparison.Ordinal))) is { } gpu) facts.Gpu ??= gpu.Value;
        }
        return facts;
    }

    /// <summary>An Ingress or route without an authenticating annotation, with the first place of each Service name it sends traffic to.</summary>
    private sealed record Route(InfraResource Resource, string Namespace, Dictionary<string, (int Order, InfraScalar At)> Backends);

    private static void Expose(WorkloadFacts workload, InfraResource resource, InfraMap spec, InfraMap labels, string ns, List<InfraResource> services, List<Route> routes)
    {
        var selecting = services.Where(s => KubernetesManifest.Namespace(s) == ns && Selects((s.Body.Get("spec") as InfraMap)?.Get("selector") as InfraMap, labels)).ToList();
        foreach (var service in selecting)
        {
            var serviceSpec = (InfraMap)service.Body.Get("spec")!;
            if (serviceSpec.Get("type") is InfraScalar { Text: "LoadBalancer" or "NodePort" } type)
                workload.Exposure ??= (In(type, service), $"Service {service.Name} of type {type.Text}");
            else if (serviceSpec.Get("externalIPs") is InfraList { Items.Count: > 0 } external)
                workload.Exposure ??= (In(external, service), $"Service {service.Name} with external IPs");
        }
        // Routes name a backend by namespace and name: a Gateway API backendRef may reach across namespaces.
        var names = selecting.Select(s => BackendKey(ns, s.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var (route, _, backends) in routes)
        {
            // The backend the route names first among the Services that select the pods.
            InfraScalar? backend = null;
            var order = int.MaxValue;
            foreach (var name in names)
            {
                if (backends.TryGetValue(name, out var found) && found.Order < order) (order, backend) = (found.Order, found.At);
            }
            if (backend is null) continue;
            var kind = route.Type[KubernetesManifest.TypePrefix.Length..];
            workload.Exposure ??= (In(backend, route), $"{kind} {route.Name} to Service {backend.Text}");
            if (route.Type == "k8s:Ingress" && (route.Body.Get("spec") as InfraMap)?.Get("tls") is not InfraList { Items.Count: > 0 })
                workload.IngressWithoutTls ??= In(route.Body, route);
        }
        if (workload.HostNetwork is InfraScalar { IsTrue: true } hostNetwork) workload.Exposure ??= (hostNetwork, "the node's network (hostNetwork: true)");
        var hostPort = InfraList.ItemsOf(spec.Get("containers")).OfType<InfraMap>().SelectMany(c => InfraList.ItemsOf(c.Get("ports"))).OfType<InfraMap>().Select(p => p.Get("hostPort")).OfType<InfraScalar>().FirstOrDefault();
        if (hostPort is not null) workload.Exposure ??= (hostPort, $"host port {hostPort.Text}");
        // KubeRay creates the head Service itself, typed by headGroupSpec.serviceType.
        if (((resource.Body.Get("spec") as InfraMap)?.Get("headGroupSpec") as InfraMap)?.Get("serviceType") is InfraScalar { Text: "LoadBalancer" or "NodePort" } rayService)
            workload.Exposure ??= (rayService, $"the head Service of type {rayService.Text}");
    }

    /// <summary>Each Service a route sends traffic to, by <see cref="BackendKey"/>, with its order and its place.</summary>
    private static Dictionary<string, (int Order, InfraScalar At)> FirstBackends(InfraResource route)
    {
        var first = new Dictionary<string, (int, InfraScalar)>(StringComparer.Ordinal);
        var ns = KubernetesManifest.Namespace(route);
        foreach (var (backendNamespace, name) in Backends(route)) first.TryAdd(BackendKey(backendNamespace ?? ns, name.Text), (first.Count, name));
        return first;
    }

    private static string BackendKey(string ns, string service) => $"{ns}/{service}";

    /// <summary>
    /// The Services an Ingress or a Gateway API route sends traffic to, each at its place, with the namespace a
    /// backendRef names (null: the route's own). backendRefs of another kind than Service (an InferencePool, a
    /// ServiceImport) are not Services of the manifests and are left out.
    /// </summary>
    private static IEnumerable<(string? Namespace, InfraScalar Name)> Backends(InfraResource route)
    {
        var spec = route.Body.Get("spec") as InfraMap;
        foreach (var backend in Descendants(spec).OfType<InfraMap>())
        {
            if ((backend.Get("service") as InfraMap)?.Get("name") is InfraScalar name) yield return (null, name);
            if (backend.Get("serviceName") is InfraScalar legacy) yield return (null, legacy);
        }
        foreach (var rule in InfraList.ItemsOf(spec?.Get("rules")).OfType<InfraMap>())
        {
            foreach (var reference in InfraList.ItemsOf(rule.Get("backendRefs")).OfType<InfraMap>())
            {
                if (reference.Text("kind") is { } kind && kind != "Service") continue;
                if (reference.Get("name") is InfraScalar name) yield return (reference.Text("namespace"), name);
            }
        }
    }

    /// <summary>Ingress annotations of the common controllers that put a login in front of the backend.</summary>
    private static bool HasEdgeAuthentication(InfraResource route) =>
        ((route.Body.Get("metadata") as InfraMap)?.Get("annotations") as InfraMap)?.Entries.Any(a =>
            a.Key.EndsWith("/auth-url", StringComparison.Ordinal) || a.Key.EndsWith("/auth-type", StringComparison.Ordinal)
            || a.Key.EndsWith("/auth-signin", StringComparison.Ordinal) || a.Key == "traefik.ingress.kubernetes.io/router.middlewares") == true;

    private static bool PolicySelects(InfraResource policy, InfraMap labels)
    {
        var spec = policy.Body.Get("spec") as InfraMap;
        if (spec?.Get("podSelector") is not InfraMap selector) return false;
        var types = InfraList.ItemsOf(spec.Get("policyTypes")).OfType<InfraScalar>().Select(t => t.Text).ToList();
        // A policy without policyTypes restricts ingress (and egress too when it has egress rules).
        if (types.Count > 0 && !types.Contains("Ingress")) return false;
        return Selects(selector.Get("matchLabels") as InfraMap ?? InfraMap.Empty(), labels, emptySelectsAll: true)
            && InfraList.ItemsOf(selector.Get("matchExpressions")).All(e => e is InfraMap expression && Meets(expression, labels));
    }

    /// <summary>One <c>matchExpressions</c> requirement of a label selector (In, NotIn, Exists, DoesNotExist).</summary>
    private static bool Meets(InfraMap expression, InfraMap labels)
    {
        var label = expression.Text("key") is { } key ? labels.Get(key) as InfraScalar : null;
        var values = InfraList.ItemsOf(expression.Get("values")).OfType<InfraScalar>().Select(v => v.Text);
        return expression.Text("operator") switch
        {
            "In" => label is not null && values.Contains(label.Text, StringComparer.Ordinal),
            "NotIn" => label is null || !values.Contains(label.Text, StringComparer.Ordinal),
            "Exists" => label is not null,
            "DoesNotExist" => label is null,
            _ => false, // an operator Kubernetes rejects selects nothing
        };
    }

    private static bool Selects(InfraMap? selector, InfraMap labels, bool emptySelectsAll = false)
    {
        if (selector is null || selector.Entries.Count == 0) return emptySelectsAll;
        return selector.Entries.All(s => labels.Get(s.Key) is InfraScalar label && s.Value is InfraScalar wanted && label.Text == wanted.Text);
    }


    private static IEnumerable<InfraValue> Descendants(InfraValue? value)
    {
        if (value is null) yield break;
        var pending = new Stack<InfraValue>([value]);
        while (pending.TryPop(out var next))
        {
            yield return next;
            if (next is InfraMap map) foreach (var entry in map.Entries) pending.Push(entry.Value);
            else if (next is InfraList list) foreach (var item in list.Items) pending.Push(item);
        }
    }

    /// <summary>A value of another resource, marked with that resource's file so a finding points there.</summary>
    private static InfraValue In(InfraValue value, InfraResource owner) => value with { File = owner.Path };
}
