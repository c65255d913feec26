using System.Text.RegularExpressions;

namespace Bulwark.Governance.Inventory;

/// <summary>AI providers' API-key variable names, set or read: env files, YAML, Dockerfiles and code. The name only.</summary>
internal static partial class ProjectDiscovery
{
    // ${NAME} in an env file or YAML: the variable is read there.
    private static void Interpolations(string line, string file, int lineNumber, List<DiscoveredAiUse> uses)
    {
        if (!line.Contains("${", StringComparison.Ordinal)) return;
        foreach (Match m in Interpolation().Matches(line)) AddKey(m.Groups[1].Value, "${" + m.Groups[1].Value + "}", file, lineNumber, uses);
    }

    // ENV NAME=… [NAME2=…], ENV NAME value, ARG NAME[=…]
    private static void Dockerfile(string line, string file, int lineNumber, List<DiscoveredAiUse> uses)
    {
        if (DockerfileInstruction().Match(line) is not { Success: true } m) return;
        var instruction = m.Groups[1].Value.ToUpperInvariant();
        AddKey(m.Groups[2].Value, instruction + " " + m.Groups[2].Value, file, lineNumber, uses);
        if (m.Groups[3].Value == "=")
        {
            foreach (Match more in DockerfileMorePairs().Matches(line, m.Index + m.Length)) AddKey(more.Groups[1].Value, instruction + " " + more.Groups[1].Value, file, lineNumber, uses);
        }
    }

    // Compose and Kubernetes: NAME: …, - name: NAME, - NAME=…, - NAME, ${NAME}
    private static void Yaml(string line, string file, int lineNumber, List<DiscoveredAiUse> uses)
    {
        // Each form is tried: a key that is not a provider's name (name:) says nothing, and AddKey keeps one use a line.
        if (YamlKey().Match(line) is { Success: true } k) AddKey(k.Groups[1].Value, k.Groups[1].Value + ":", file, lineNumber, uses);
        if (YamlNameValue().Match(line) is { Success: true } n) AddKey(n.Groups[1].Value, "name: " + n.Groups[1].Value, file, lineNumber, uses);
        if (YamlListAssignment().Match(line) is { Success: true } a) AddKey(a.Groups[1].Value, a.Groups[1].Value + "=", file, lineNumber, uses);
        if (YamlListName().Match(line) is { Success: true } l) AddKey(l.Groups[1].Value, "- " + l.Groups[1].Value, file, lineNumber, uses);
        Interpolations(line, file, lineNumber, uses);
    }

    // os.environ["N"], os.getenv("N"), process.env.N, Environment.GetEnvironmentVariable("N"), os.Getenv("N"), System.getenv("N") …
    private static void CodeEnvironment(string line, string file, int lineNumber, List<DiscoveredAiUse> uses)
    {
        foreach (Match m in EnvironmentCall().Matches(line))
        {
            // In a notebook the call sits in a JSON string: its quotes are escaped.
            var text = m.Value.Replace("\\", "", StringComparison.Ordinal);
            var open = text.LastIndexOfAny(['[', '(']);
            AddKey(m.Groups[1].Value, text + (open >= 0 && text[open] == '[' ? "]" : ")"), file, lineNumber, uses);
        }
        foreach (Match m in EnvironmentMember().Matches(line)) AddKey(m.Groups[1].Value, m.Value, file, lineNumber, uses);
    }

    /// <summary>A provider's key name as evidence: once per file, line and name, whatever the number of forms that show it.</summary>
    private static void AddKey(string name, string evidence, string file, int line, List<DiscoveredAiUse> uses)
    {
        if (AiSdkCatalog.Default.EnvVar(name) is not { } provider) return;
        for (var i = uses.Count - 1; i >= 0 && uses[i].Line == line && uses[i].File == file; i--)
        {
            if (uses[i].Source == DiscoverySource.ProviderKey && uses[i].Name == name) return;
        }
        uses.Add(new DiscoveredAiUse(DiscoverySource.ProviderKey, name, provider.Name, evidence, file, line));
    }

    /// <summary>Byte offset → 1-based line, for offsets that only grow.</summary>
    private sealed class LineIndex(byte[] bytes)
    {
        private int _offset;
        private int _line = 1;

        public int LineOf(int offset)
        {
            offset = Math.Clamp(offset, _offset, bytes.Length);
            _line += bytes.AsSpan(_offset, offset - _offset).Count((byte)'\n');
            _offset = offset;
            return _line;
        }
    }

    [GeneratedRegex(@"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex EnvAssignment();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"^\s*(ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)(=?)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DockerfileInstruction();

    [GeneratedRegex(@"\s([A-Za-z_][A-Za-z0-9_]*)=", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex DockerfileMorePairs();

    [GeneratedRegex(@"^\s*(?:-\s+)?[""']?([A-Za-z_][A-Za-z0-9_]*)[""']?\s*:(?:\s|$)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex YamlKey();

    [GeneratedRegex(@"^\s*(?:-\s+)?name\s*:\s*[""']?([A-Za-z_][A-Za-z0-9_]*)[""']?\s*(?:#.*)?$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex YamlNameValue();

    [GeneratedRegex(@"^\s*-\s+[""']?([A-Za-z_][A-Za-z0-9_]*)=", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex YamlListAssignment();

    [GeneratedRegex(@"^\s*-\s+[""']?([A-Za-z_][A-Za-z0-9_]*)[""']?\s*(?:#.*)?$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex YamlListName();

    // The call and the quoted name; a notebook escapes the quotes (\"), and a JS template literal uses backticks.
    [GeneratedRegex(@"\b(?:(?:os\.)?environ(?:\.get|\.setdefault|\.pop)?\s*[\[(]|(?:(?:os|System)\.)?(?:[gs]etenv|Getenv|Setenv|LookupEnv)\s*\(|(?:Environment\.)?[GS]etEnvironmentVariable\s*\(|process\.env\s*\[|Deno\.env\.get\s*\()\s*\\?[""'`]([A-Za-z_][A-Za-z0-9_]*)\\?[""'`]", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentCall();

    [GeneratedRegex(@"\b(?:process|Bun|import\.meta)\.env\.([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentMember();
}
