using Bulwark.Kernel;
using YamlDotNet.RepresentationModel;

namespace Bulwark.Governance.Assessment;

/// <summary>A setting of the gateway configuration or its guard policy, with where it is written.</summary>
public sealed record GatewaySetting(string Key, string Value, string File, int Line);

/// <summary>A step of the guard policy: which guard, on which stage (input, output, documents), with which action.</summary>
public sealed record GuardStepSetting(string Stage, string Guard, string Action, bool LogOnly, string File, int Line);

/// <summary>A gateway key as the key database holds it (never the secret).</summary>
public sealed record GatewayKeyFact(string Id, string Team, DateTimeOffset Created, DateTimeOffset? Revoked);

/// <summary>
/// One guard policy of the gateway: its name (<c>default</c> for <c>guards.policy</c>, or a key of
/// <c>guards.policies</c>), where it was read from, its mode setting and its steps. <see cref="Missing"/>: the file
/// named does not exist, so nothing of it is known.
/// </summary>
public sealed record GuardPolicyFacts(string Name, string Source, GatewaySetting? Mode, IReadOnlyList<GuardStepSetting> Steps, bool Missing = false)
{
    public bool LogOnly => Mode?.Value == "log-only";
}

/// <summary>
/// What the assessment knows about a project's Bulwark gateway: its settings (flattened to dotted keys such as
/// <c>guards.pseudonymize</c> or <c>upstreams[0].api-key</c>), every guard policy it can apply (the default first,
/// then the named ones keys, teams and models may pick), and, when a key database was given, its keys.
/// </summary>
public sealed record GatewayPosture(
    string ConfigPath,
    IReadOnlyDictionary<string, GatewaySetting> Settings,
    IReadOnlyList<GuardPolicyFacts> Policies,
    IReadOnlyList<GatewayKeyFact>? Keys = null)
{
    public GatewaySetting? Setting(string key) => Settings.GetValueOrDefault(key);
}

/// <summary>
/// Reads a gateway configuration (docs/gateway.md) and the guard policy it names, leniently: the gateway validates its
/// own file at start-up; the assessment only needs to see what is switched on, and where. A policy file that is
/// missing is a problem of the project, reported as evidence, not a crash.
/// </summary>
public static class GatewayPostureReader
{
    public const long MaxBytes = 1024 * 1024;

    /// <param name="defaultPolicy">The YAML of the policy the gateway uses when its configuration names none (the usage pillar owns it).</param>
    public static GatewayPosture ReadFile(string path, string defaultPolicy)
    {
        var settings = Flatten(Load(YamlInput.ReadFile(path, MaxBytes, "gateway configuration"), path), path);
        var policies = new List<GuardPolicyFacts>
        {
            settings.TryGetValue("guards.policy", out var named)
                ? Policy("default", Path.Combine(Path.GetDirectoryName(path) ?? "", named.Value))
                : Facts("default", "(the embedded default policy)", Load(defaultPolicy, "(the embedded default policy)")),
        };
        const string prefix = "guards.policies.";
        foreach (var (key, file) in settings.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(s => s.Value.Line))
            policies.Add(Policy(key[prefix.Length..], Path.Combine(Path.GetDirectoryName(path) ?? "", file.Value)));
        return new GatewayPosture(path, settings, policies);
    }

    private static GuardPolicyFacts Policy(string name, string file) =>
        File.Exists(file) ? Facts(name, file, Load(YamlInput.ReadFile(file, MaxBytes, "guard policy"), file)) : new GuardPolicyFacts(name, file, null, [], Missing: true);

    private static GuardPolicyFacts Facts(string name, string source, YamlNode? policy)
    {
        var flat = Flatten(policy, source);
        var steps = new List<GuardStepSetting>();
        foreach (var stage in new[] { "input", "output", "documents" })
        {
            for (var i = 0; flat.TryGetValue($"{stage}[{i}].guard", out var guard); i++)
            {
                var action = flat.GetValueOrDefault($"{stage}[{i}].action")?.Value ?? "block";
                var logOnly = flat.GetValueOrDefault($"{stage}[{i}].log-only")?.Value is "true";
                steps.Add(new GuardStepSetting(stage, guard.Value, action, logOnly, source, guard.Line));
            }
        }
        return new GuardPolicyFacts(name, source, flat.GetValueOrDefault("mode"), steps);
    }

    // Gateway configurations may use anchors: the tree shares aliased nodes and Flatten bounds the walk.
    private static YamlNode? Load(string yaml, string source) => YamlInput.LoadTree(yaml, source, "YAML", allowAliases: true);

    /// <summary>Every scalar under <paramref name="root"/> by its dotted path; aliases are not followed (no expansion bombs).</summary>
    private static Dictionary<string, GatewaySetting> Flatten(YamlNode? root, string file)
    {
        var settings = new Dictionary<string, GatewaySetting>(StringComparer.Ordinal);
        void Walk(YamlNode node, string path, int depth)
        {
            if (depth > 32 || settings.Count > 10_000) return;
            switch (node)
            {
                case YamlScalarNode scalar when path.Length > 0:
                    settings[path] = new GatewaySetting(path, scalar.Value ?? "", file, (int)scalar.Start.Line);
                    break;
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children)
                        if (key is YamlScalarNode { Value: { } name }) Walk(value, path.Length == 0 ? name : $"{path}.{name}", depth + 1);
                    break;
                case YamlSequenceNode list:
                    for (var i = 0; i < list.Children.Count; i++) Walk(list.Children[i], $"{path}[{i}]", depth + 1);
                    break;
            }
        }
        if (root is not null) Walk(root, "", 0);
        return settings;
    }
}
