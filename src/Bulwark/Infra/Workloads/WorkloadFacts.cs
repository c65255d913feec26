using Bulwark.Infra.Services;

namespace Bulwark.Infra.Workloads;

/// <summary>One container of a workload, read from a pod spec or a compose service, before it becomes a check's value tree.</summary>
internal sealed class ContainerFacts
{
    public required string Name { get; init; }
    public InfraScalar? Image { get; init; }

    /// <summary>Environment variables: name → value (an Expression for values taken from secrets or references).</summary>
    public List<InfraEntry> Env { get; } = [];

    public string CommandLine { get; init; } = "";
    public InfraValue? Command { get; init; }
    public InfraValue? Privileged { get; set; }

    /// <summary>Where the container's identity is set (runAsUser, user); null when nothing is, which means root for most images.</summary>
    public InfraValue? User { get; set; }
    public bool RunsAsRoot { get; set; } = true;
    public InfraValue? NoPrivilegeEscalation { get; set; }
    public List<InfraScalar> Capabilities { get; } = [];
    public InfraValue? MemoryLimit { get; set; }
    public InfraValue? CpuLimit { get; set; }
    public InfraValue? Gpu { get; set; }
}

/// <summary>A pod template or a compose service: what the checks of <c>workload</c> resources read.</summary>
internal sealed class WorkloadFacts
{
    public required InfraResource Source { get; init; }
    public required string Platform { get; init; }
    public List<ContainerFacts> Containers { get; } = [];
    public InfraValue? HostNetwork { get; set; }
    public InfraValue? HostPid { get; set; }
    public InfraValue? HostIpc { get; set; }
    public InfraValue? Gpu { get; set; }

    /// <summary>Host paths mounted into the workload (bind mounts, hostPath volumes), each at the place it is declared.</summary>
    public List<InfraScalar> HostPaths { get; } = [];

    /// <summary>Where the workload becomes reachable from outside (a LoadBalancer Service's type, a published port), with a description.</summary>
    public (InfraValue At, string Via)? Exposure { get; set; }

    /// <summary>An Ingress that routes to the workload without TLS.</summary>
    public InfraValue? IngressWithoutTls { get; set; }

    /// <summary>Whether a NetworkPolicy selects the pods (Kubernetes only; null elsewhere).</summary>
    public bool? NetworkPolicy { get; set; }
}

/// <summary>Turns <see cref="WorkloadFacts"/> into the <c>workload</c> resource whose fields docs/infra.md lists.</summary>
internal static class WorkloadResource
{
    public static InfraResource From(WorkloadFacts w)
    {
        var at = w.Source.Body;
        var entries = new List<InfraEntry>
        {
            Entry("platform", Text(w.Platform, at)),
            Entry("kind", Text(w.Source.Type, at)),
            Entry("exposed", w.Exposure is { } e ? Bool(true, e.At) : Bool(false, at)),
            Entry("gpu", w.Gpu is null ? Bool(false, at) : Bool(true, w.Gpu)),
            Entry("host-network", Flag(w.HostNetwork, at)),
            Entry("host-pid", Flag(w.HostPid, at)),
            Entry("host-ipc", Flag(w.HostIpc, at)),
            Entry("host-paths", new InfraList(w.HostPaths.Where(p => !IsDevice(p.Text)).ToList<InfraValue>(), at.Line, at.Column)),
            Entry("device-nodes", new InfraList(w.HostPaths.Where(p => IsDevice(p.Text)).ToList<InfraValue>(), at.Line, at.Column)),
            Entry("docker-socket", w.HostPaths.FirstOrDefault(p => IsContainerSocket(p.Text)) is { } socket ? Bool(true, socket) : Bool(false, at)),
            Entry("ingress-without-tls", w.IngressWithoutTls is null ? Bool(false, at) : Bool(true, w.IngressWithoutTls)),
            Entry("containers", new InfraList(w.Containers.Select(c => (InfraValue)Container(c, at)).ToList(), at.Line, at.Column)),
        };
        if (w.Exposure is { } exposure) entries.Add(Entry("exposed-via", Text(exposure.Via, exposure.At)));
        if (w.NetworkPolicy is { } policy) entries.Add(Entry("network-policy", Bool(policy, at)));
        AddAiService(w, entries, at);
        return new InfraResource(WorkloadBuilder.Type, w.Source.Name, w.Source.Address, w.Source.Path, new InfraMap(entries, at.Line, at.Column));
    }

    /// <summary>The AI server the workload runs (the first container the catalog recognises) and how it authenticates.</summary>
    private static void AddAiService(WorkloadFacts w, List<InfraEntry> entries, InfraMap at)
    {
        foreach (var container in w.Containers)
        {
            if (AiServiceCatalog.Identify(container.Image?.Text ?? "", container.CommandLine) is not { } service) continue;
            var env = EnvTexts(container);
            var state = service.Auth(env, container.CommandLine);
            var where = (InfraValue?)container.Image ?? at;
            entries.Add(Entry("ai-service", Text(service.Id, where)));
            entries.Add(Entry("ai-service-name", Text(service.Name, where)));
            var off = state == AuthState.Disabled ? container.Env.FirstOrDefault(e => service.AuthOff.Env.ContainsKey(e.Key)) : null;
            var authAt = off is not null ? At(off) : state == AuthState.Disabled ? container.Command ?? where : where;
            entries.Add(Entry("auth", Text(state.ToString().ToLowerInvariant(), authAt)));
            if (service.DefaultCredential(env) is { } variable && container.Env.FirstOrDefault(e => e.Key == variable) is { } credential)
                entries.Add(Entry("default-credential", Text(variable, At(credential))));
            return;
        }
    }

    private static InfraMap Container(ContainerFacts c, InfraMap at)
    {
        var where = (InfraValue?)c.Image ?? at;
        var service = AiServiceCatalog.Identify(c.Image?.Text ?? "", c.CommandLine);
        var entries = new List<InfraEntry>
        {
            Entry("name", Text(c.Name, where)),
            Entry("image", c.Image ?? Text("", at)),
            Entry("image-repository", Text(AiServiceCatalog.Repository(c.Image?.Text ?? ""), where)),
            Entry("image-tag", Text(AiServiceCatalog.Tag(c.Image?.Text ?? ""), where)),
            Entry("privileged", c.Privileged is InfraScalar { IsTrue: true } p ? Bool(true, p) : Bool(false, where)),
            Entry("run-as-root", Bool(c.RunsAsRoot, c.User ?? where)),
            Entry("allow-privilege-escalation", Bool(c.NoPrivilegeEscalation is null, c.NoPrivilegeEscalation ?? where)),
            Entry("capabilities", new InfraList(c.Capabilities.ToList<InfraValue>(), where.Line, where.Column)),
            Entry("limits-set", Bool(c.MemoryLimit is not null && c.CpuLimit is not null, c.MemoryLimit ?? c.CpuLimit ?? where)),
            Entry("gpu", c.Gpu is null ? Bool(false, where) : Bool(true, c.Gpu)),
            Entry("env", new InfraMap(c.Env, where.Line, where.Column)),
            Entry("command-line", Text(c.CommandLine, c.Command ?? where)),
        };
        if (service is not null) entries.Add(Entry("ai-service", Text(service.Id, where)));
        return new InfraMap(entries, where.Line, where.Column) { File = where.File };
    }

    internal static Dictionary<string, string> EnvTexts(ContainerFacts c)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in c.Env) env[e.Key] = e.Value is InfraScalar { Kind: not ScalarKind.Null } s ? s.Text : "";
        return env;
    }

    private static bool IsDevice(string path) => path.StartsWith("/dev/", StringComparison.Ordinal);

    private static bool IsContainerSocket(string path) =>
        path.EndsWith("docker.sock", StringComparison.Ordinal) || path.EndsWith("containerd.sock", StringComparison.Ordinal) || path.EndsWith("crio.sock", StringComparison.Ordinal);

    /// <summary>A place for a finding about an environment variable: its name's, in the value's file.</summary>
    private static InfraScalar At(InfraEntry entry) => new(entry.Key, ScalarKind.Text, entry.Line, entry.Column) { File = entry.Value.File };

    private static InfraEntry Entry(string key, InfraValue value) => new(key, value, value.Line, value.Column);

    private static InfraScalar Text(string text, InfraValue at) => new(text, ScalarKind.Text, at.Line, at.Column) { File = at.File };

    internal static InfraScalar Bool(bool value, InfraValue at) => new(value ? "true" : "false", ScalarKind.Boolean, at.Line, at.Column) { File = at.File };

    private static InfraScalar Flag(InfraValue? set, InfraMap at) => set is InfraScalar { IsTrue: true } s ? Bool(true, s) : Bool(false, at);
}
