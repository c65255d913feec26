using Bulwark.Kernel;

namespace Bulwark.Models.Pickle;

/// <summary>How a pickle global is judged (see <c>pickle-globals.yaml</c> and docs/models.md).</summary>
public enum GlobalClass
{
    /// <summary>Known-safe ML or value type: no issue.</summary>
    Allowed,

    /// <summary>Neither allowed nor denied: suspicious.</summary>
    Unknown,

    /// <summary>A loader of another payload (pickle.loads, torch.load): malicious, and a constant payload is scanned.</summary>
    NestedLoad,

    /// <summary>On the deny list: malicious.</summary>
    Denied,
}

/// <summary>
/// The allow/deny policy for pickle globals, loaded from the embedded <c>pickle-globals.yaml</c>. Deny and nested-load
/// entries match a dotted name and everything under it; allow entries match exactly (or a module prefix); module
/// aliases (<c>__builtin__</c>, <c>posix</c>, <c>_operator</c>, …) are rewritten first.
/// </summary>
public sealed class GlobalPolicy
{
    private const string ResourceName = "Bulwark.Models.Pickle.pickle-globals.yaml";

    private readonly Dictionary<string, string> _aliases;
    private readonly HashSet<string> _denied;
    private readonly HashSet<string> _nestedLoad;
    private readonly HashSet<string> _allowExact;
    private readonly HashSet<string> _allowPrefixes;

    private GlobalPolicy(Dictionary<string, string> aliases, HashSet<string> denied, HashSet<string> nestedLoad, HashSet<string> allowExact, HashSet<string> allowPrefixes)
    {
        _aliases = aliases;
        _denied = denied;
        _nestedLoad = nestedLoad;
        _allowExact = allowExact;
        _allowPrefixes = allowPrefixes;
    }

    private static readonly Lazy<GlobalPolicy> Embedded = new(LoadEmbedded);

    /// <summary>The policy shipped in the library.</summary>
    public static GlobalPolicy Default => Embedded.Value;

    /// <summary>Entries in the deny list (for tests and docs).</summary>
    public IReadOnlyCollection<string> DeniedEntries => _denied;

    /// <summary>The module after alias rewriting (<c>posix</c> → <c>os</c>, <c>numpy.core.x</c> → <c>numpy._core.x</c>).</summary>
    public string CanonicalModule(string module)
    {
        if (_aliases.TryGetValue(module, out var exact)) return exact;
        var dot = module.IndexOf('.', StringComparison.Ordinal);
        while (dot > 0)
        {
            if (_aliases.TryGetValue(module[..dot], out var head)) return head + module[dot..];
            dot = module.IndexOf('.', dot + 1);
        }
        return module;
    }

    public GlobalClass Classify(string module, string name)
    {
        var full = CanonicalModule(module.Trim()) + "." + name.Trim();
        if (MatchesTree(_denied, full)) return GlobalClass.Denied;
        if (MatchesTree(_nestedLoad, full)) return GlobalClass.NestedLoad;
        // Also judge the name as written: an alias table is a convenience, never a way around the deny list.
        var raw = module.Trim() + "." + name.Trim();
        if (raw != full && MatchesTree(_denied, raw)) return GlobalClass.Denied;
        if (_allowExact.Contains(full) || _allowExact.Contains(raw)) return GlobalClass.Allowed;
        var lastDot = full.LastIndexOf('.');
        var canonicalModule = full[..lastDot];
        foreach (var prefix in _allowPrefixes)
        {
            if (canonicalModule == prefix || canonicalModule.StartsWith(prefix + ".", StringComparison.Ordinal)) return GlobalClass.Allowed;
        }
        return GlobalClass.Unknown;
    }

    // `a.b.c.d` is covered by an entry `a`, `a.b`, `a.b.c` or `a.b.c.d`.
    private static bool MatchesTree(HashSet<string> entries, string full)
    {
        if (entries.Contains(full)) return true;
        for (var dot = full.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = full.IndexOf('.', dot + 1))
        {
            if (entries.Contains(full[..dot])) return true;
        }
        return false;
    }

    public static GlobalPolicy Parse(string yaml, string source)
    {
        var document = YamlInput.Deserialize<PolicyDocument>(yaml, source, "pickle global policy")
            ?? throw new BulwarkInputException($"{source}: pickle global policy is empty");
        var aliases = new Dictionary<string, string>(document.Aliases ?? [], StringComparer.Ordinal);
        var denied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in document.Deny ?? [])
        {
            foreach (var entry in (group.Names ?? []).Concat(group.Modules ?? [])) denied.Add(entry.Trim());
        }
        var nested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in document.NestedLoad ?? [])
        {
            foreach (var entry in (group.Names ?? []).Concat(group.Modules ?? [])) nested.Add(entry.Trim());
        }
        var allowExact = new HashSet<string>((document.Allow?.Exact ?? []).Select(e => e.Trim()), StringComparer.Ordinal);
        var allowPrefixes = new HashSet<string>((document.Allow?.Prefixes ?? []).Select(e => e.Trim()), StringComparer.Ordinal);
        if (denied.Count == 0) throw new BulwarkInputException($"{source}: pickle global policy has an empty deny list");
        return new GlobalPolicy(aliases, denied, nested, allowExact, allowPrefixes);
    }

    private static GlobalPolicy LoadEmbedded()
    {
        return Parse(EmbeddedText.Read(ResourceName), "embedded:pickle-globals.yaml");
    }
}

#pragma warning disable CA1002, CA2227, CA1812 // DTOs for the YAML deserializer
internal sealed class PolicyDocument
{
    public Dictionary<string, string>? Aliases { get; set; }
    public List<PolicyGroup>? Deny { get; set; }
    [YamlDotNet.Serialization.YamlMember(Alias = "nested-load")] public List<PolicyGroup>? NestedLoad { get; set; }
    public AllowDocument? Allow { get; set; }
}

internal sealed class PolicyGroup
{
    public string? Source { get; set; }
    public List<string>? Names { get; set; }
    public List<string>? Modules { get; set; }
}

internal sealed class AllowDocument
{
    public List<string>? Exact { get; set; }
    public List<string>? Prefixes { get; set; }
}
#pragma warning restore CA1002, CA2227, CA1812
