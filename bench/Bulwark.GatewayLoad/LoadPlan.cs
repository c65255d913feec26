using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.GatewayLoad;

/// <summary>One endpoint under load: where chat requests go, the model name it routes, and its headers.</summary>
/// <param name="Name">A stable id the verdicts refer to: direct, bulwark-bare, bulwark-guarded, portkey.</param>
/// <param name="Pid">The process whose processor time is charged to this target (the gateway; the upstream for direct).</param>
/// <param name="MoreUrls">Further instances of the same service (a load balancer's pool): connection i goes to instance i mod n.</param>
/// <param name="MorePids">Their processes, whose processor time is charged to the target too.</param>
public sealed record LoadTarget(string Name, string Label, string Url, string Model, Dictionary<string, string> Headers, int? Pid,
    IReadOnlyList<string>? MoreUrls = null, IReadOnlyList<int>? MorePids = null)
{
    public IReadOnlyList<string> Urls => [Url, .. MoreUrls ?? []];

    public IReadOnlyList<int> Pids => Pid is { } pid ? [pid, .. MorePids ?? []] : [];
}

/// <summary>One load shape: streamed or whole answers, at how many concurrent connections; <paramref name="ModelMilliseconds"/>
/// is how long the mock upstream takes per answer (0: at once, so only the gateways' own cost shows).</summary>
public sealed record LoadPhase(string Name, bool Stream, int Connections, int ModelMilliseconds = 0);

/// <summary>
/// What to run, written as JSON by bench/gateway-load.sh: the targets, the phases, how long and how often, and free-form
/// facts about the run (command, machine, versions) copied into the reports. <see cref="PrimingSeconds"/> of load per
/// target and phase come first and are not counted: .NET's tiered JIT (with dynamic PGO) and V8 take many thousands of
/// requests to reach their steady code, far more than each measurement's own <see cref="WarmupSeconds"/>.
/// </summary>
public sealed record LoadPlan(
    IReadOnlyList<LoadTarget> Targets,
    IReadOnlyList<LoadPhase> Phases,
    int Rounds,
    double PrimingSeconds,
    double WarmupSeconds,
    double DurationSeconds,
    int? UpstreamPid,
    Dictionary<string, string> Run,
    string OutJson,
    string OutMarkdown,
    string Title = "Gateway load: direct vs Bulwark (no guards, default guards) vs Portkey",
    string Script = "bench/gateway-load.sh",
    bool JudgeGatewayTargets = true)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // "+" and "'" as they are: the report is read by people too
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // a target with no successful request has NaN latencies
    };

    public static LoadPlan Read(string path) =>
        JsonSerializer.Deserialize<LoadPlan>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: empty plan");
}
