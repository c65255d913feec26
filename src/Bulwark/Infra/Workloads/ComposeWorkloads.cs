using Bulwark.Infra.Parsing;

namespace Bulwark.Infra.Workloads;

/// <summary>
/// Compose services as workloads (the Compose Specification): a port published without a loopback host address
/// listens on every interface of the host, which is how most exposed AI servers are deployed.
/// </summary>
internal static class ComposeWorkloads
{
    public static IEnumerable<WorkloadFacts> Read(IReadOnlyList<InfraResource> resources)
    {
        foreach (var service in resources.Where(r => r.Type == ComposeFile.ServiceType))
        {
            var body = service.Body;
            var workload = new WorkloadFacts { Source = service, Platform = "compose" };
            var networkMode = body.Get("network_mode") as InfraScalar;
            if (networkMode is { Text: "host" }) workload.HostNetwork = WorkloadResource.Bool(true, networkMode);
            if (body.Get("pid") is InfraScalar { Text: "host" } pid) workload.HostPid = WorkloadResource.Bool(true, pid);
            if (body.Get("ipc") is InfraScalar { Text: "host" } ipc) workload.HostIpc = WorkloadResource.Bool(true, ipc);
            foreach (var volume in InfraList.ItemsOf(body.Get("volumes"))) if (HostPath(volume) is { } path) workload.HostPaths.Add(path);
            // A device is a host path (/dev/nvidia0:/dev/nvidia0) or a CDI name (nvidia.com/gpu=all), which is no path.
            foreach (var device in InfraList.ItemsOf(body.Get("devices")).OfType<InfraScalar>().Where(d => d.Text.StartsWith('/')))
                workload.HostPaths.Add(device with { Text = device.Text.Split(':')[0] });
            var container = ReadContainer(service.Name, body);
            workload.Containers.Add(container);
            workload.Gpu = container.Gpu;
            if (networkMode is { Text: "host" }) workload.Exposure = (networkMode, "the host's network (network_mode: host)");
            else if (InfraList.ItemsOf(body.Get("ports")).FirstOrDefault(IsPublishedToAll) is { } port) workload.Exposure = (port, $"published port {Describe(port)}");
            yield return workload;
        }
    }

    private static ContainerFacts ReadContainer(string name, InfraMap body)
    {
        var command = Words(body.Get("entrypoint")).Concat(Words(body.Get("command")));
        var facts = new ContainerFacts
        {
            Name = name,
            Image = body.Get("image") as InfraScalar,
            CommandLine = string.Join(' ', command),
            Command = body.Get("command") ?? body.Get("entrypoint"),
            Privileged = body.Get("privileged"),
        };
        ReadEnvironment(body.Get("environment"), facts);
        if (body.Get("user") is InfraScalar user)
        {
            facts.User = user;
            facts.RunsAsRoot = user.Text.Split(':')[0] is "root" or "0" or "";
        }
        if (InfraList.ItemsOf(body.Get("security_opt")).OfType<InfraScalar>().FirstOrDefault(o => o.Text.Replace('=', ':').StartsWith("no-new-privileges", StringComparison.Ordinal) && !o.Text.EndsWith("false", StringComparison.Ordinal)) is { } noEscalation)
            facts.NoPrivilegeEscalation = noEscalation;
        foreach (var capability in InfraList.ItemsOf(body.Get("cap_add")).OfType<InfraScalar>()) facts.Capabilities.Add(capability);
        var deployResources = (body.Get("deploy") as InfraMap)?.Get("resources") as InfraMap;
        var limits = deployResources?.Get("limits") as InfraMap;
        facts.MemoryLimit = limits?.Get("memory") ?? body.Get("mem_limit");
        facts.CpuLimit = limits?.Get("cpus") ?? body.Get("cpus");
        // GPUs: a device reservation (driver nvidia or capability gpu), the legacy nvidia runtime, or "gpus:".
        foreach (var device in InfraList.ItemsOf((deployResources?.Get("reservations") as InfraMap)?.Get("devices")).OfType<InfraMap>())
        {
            var isGpu = device.Text("driver") == "nvidia" || InfraList.ItemsOf(device.Get("capabilities")).OfType<InfraScalar>().Any(c => c.Text == "gpu");
            if (isGpu) facts.Gpu ??= device;
        }
        if (body.Get("runtime") is InfraScalar { Text: "nvidia" } runtime) facts.Gpu ??= runtime;
        if (body.Get("gpus") is { } gpus) facts.Gpu ??= gpus;
        if (InfraList.ItemsOf(body.Get("devices")).OfType<InfraScalar>().FirstOrDefault(d => IsCdiGpu(d.Text)) is { } cdi) facts.Gpu ??= cdi;
        if (facts.Env.FirstOrDefault(e => e.Key == "NVIDIA_VISIBLE_DEVICES") is { Value: InfraScalar { Text: not ("void" or "none" or "") } visible }) facts.Gpu ??= visible;
        return facts;
    }

    /// <summary>
    /// Both forms: a map (<c>KEY: value</c>) and a list (<c>- KEY=value</c>); a value taken from the shell is an
    /// Expression, and so is a key without a value (<c>- KEY</c>, <c>KEY:</c>), which compose takes from the shell.
    /// </summary>
    private static void ReadEnvironment(InfraValue? environment, ContainerFacts facts)
    {
        if (environment is InfraMap map)
        {
            foreach (var entry in map.Entries)
            {
                var value = entry.Value is InfraScalar { Kind: ScalarKind.Null } unset ? FromShell(entry.Key, unset) : Interpolated(entry.Value);
                facts.Env.Add(entry with { Value = value });
            }
            return;
        }
        foreach (var item in InfraList.ItemsOf(environment).OfType<InfraScalar>())
        {
            var equals = item.Text.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? item.Text : item.Text[..equals]).Trim();
            InfraValue value = equals < 0
                ? FromShell(key, item)
                : Interpolated(new InfraScalar(item.Text[(equals + 1)..], ScalarKind.Text, item.Line, item.Column + equals + 1));
            facts.Env.Add(new InfraEntry(key, value, item.Line, item.Column));
        }
    }

    private static InfraScalar FromShell(string key, InfraValue at) => new($"${{{key}}}", ScalarKind.Expression, at.Line, at.Column) { File = at.File };

    private static bool IsCdiGpu(string device) => device.Contains("/gpu=", StringComparison.Ordinal);

    /// <summary>
    /// <c>${VAR}</c> and <c>$VAR</c> come from the shell or .env at deploy time: not a literal in the file. <c>$$</c> is
    /// compose's escaped dollar, so <c>pa$$word</c> is the literal <c>pa$word</c>.
    /// </summary>
    private static InfraValue Interpolated(InfraValue value)
    {
        if (value is not InfraScalar { Kind: ScalarKind.Text } s || !s.Text.Contains('$', StringComparison.Ordinal)) return value;
        for (var i = 0; i < s.Text.Length; i++)
        {
            if (s.Text[i] != '$') continue;
            if (i + 1 < s.Text.Length && s.Text[i + 1] == '$')
            {
                i++;
                continue;
            }
            if (i + 1 < s.Text.Length && (s.Text[i + 1] == '{' || s.Text[i + 1] == '_' || char.IsAsciiLetter(s.Text[i + 1]))) return s with { Kind = ScalarKind.Expression };
        }
        return s with { Text = s.Text.Replace("$$", "$", StringComparison.Ordinal) };
    }

    /// <summary>A bind mount's host side: <c>/srv/models:/models:ro</c>, <c>./data:/data</c>, or the long form with <c>type: bind</c>.</summary>
    private static InfraScalar? HostPath(InfraValue volume)
    {
        if (volume is InfraMap map)
            return map.Text("type") == "bind" && map.Get("source") is InfraScalar bind ? bind : null;
        if (volume is not InfraScalar scalar) return null;
        // A path alone ("/data") is an anonymous volume mounted there, not a host path.
        if (!scalar.Text.Contains(':', StringComparison.Ordinal)) return null;
        var source = scalar.Text.Split(':')[0];
        return source.StartsWith('/') || source.StartsWith('.') || source.StartsWith('~') ? scalar with { Text = source } : null;
    }

    /// <summary>
    /// Whether a port entry listens on every interface: short syntax without a host address, or with 0.0.0.0 or
    /// [::]; long syntax without a loopback <c>host_ip</c>. A lone container port gets a random host port on all
    /// interfaces too.
    /// </summary>
    private static bool IsPublishedToAll(InfraValue port)
    {
        if (port is InfraMap map) return !IsLoopback(map.Text("host_ip") ?? "");
        if (port is not InfraScalar scalar) return false;
        var text = scalar.Text.Trim();
        string host;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? text[1..close] : "";
        }
        else
        {
            var parts = text.Split(':');
            host = parts.Length == 3 ? parts[0] : "";
        }
        return !IsLoopback(host);
    }

    private static bool IsLoopback(string host) => host is "127.0.0.1" or "::1" or "localhost" || host.StartsWith("127.", StringComparison.Ordinal);

    private static string Describe(InfraValue port) => port is InfraScalar s ? s.Text : $"{(port as InfraMap)?.Text("published") ?? "(random)"}:{(port as InfraMap)?.Text("target")}";

    private static IEnumerable<string> Words(InfraValue? value) => value switch
    {
        InfraScalar s => [s.Text],
        InfraList l => l.Items.OfType<InfraScalar>().Select(s => s.Text),
        _ => [],
    };

}
