using System.Text.RegularExpressions;
using Bulwark.Kernel;

namespace Bulwark.Infra.Services;

/// <summary>What authentication a server ends up with, from its defaults and the settings a manifest gives it.</summary>
public enum AuthState
{
    /// <summary>Authentication is on: configured, or on by default and not turned off.</summary>
    Configured,

    /// <summary>The server has no authentication of its own and none was configured.</summary>
    None,

    /// <summary>A setting turns the server's authentication off.</summary>
    Disabled,
}

/// <summary>One AI server of <c>ai-services.yaml</c>: how to recognise it in a workload and how its authentication is set.</summary>
public sealed record AiService(
    string Id,
    string Name,
    IReadOnlyList<string> Images,
    IReadOnlyList<string> Commands,
    IReadOnlyList<int> Ports,
    bool AuthByDefault,
    AuthSettings AuthOn,
    AuthSettings AuthOff,
    IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultCredentials)
{
    /// <summary>Whether an image reference (<c>registry/org/name:tag@digest</c>) is this server's.</summary>
    public bool MatchesImage(string image)
    {
        var repository = AiServiceCatalog.Repository(image);
        return Images.Any(i => repository == i || repository.EndsWith("/" + i, StringComparison.Ordinal));
    }

    public AuthState Auth(IReadOnlyDictionary<string, string> env, string commandLine)
    {
        if (AuthOff.Matches(env, commandLine)) return AuthState.Disabled;
        if (AuthByDefault || AuthOn.Matches(env, commandLine)) return AuthState.Configured;
        return AuthState.None;
    }

    /// <summary>The variable set to the product's well-known default password, if any.</summary>
    public string? DefaultCredential(IReadOnlyDictionary<string, string> env) =>
        DefaultCredentials.FirstOrDefault(c => env.TryGetValue(c.Key, out var value) && c.Value.Contains(value, StringComparer.Ordinal)).Key;
}

/// <summary>Environment variables (name → value regex) and command-line regexes; any one matching is enough.</summary>
public sealed record AuthSettings(IReadOnlyDictionary<string, Regex> Env, IReadOnlyList<Regex> Args)
{
    public static AuthSettings Nothing { get; } = new(new Dictionary<string, Regex>(), []);

    public bool Matches(IReadOnlyDictionary<string, string> env, string commandLine) =>
        Env.Any(e => env.TryGetValue(e.Key, out var value) && e.Value.IsMatch(value)) || Args.Any(a => a.IsMatch(commandLine));
}

/// <summary>The embedded catalog of AI servers (<c>Infra/Services/ai-services.yaml</c>).</summary>
public static class AiServiceCatalog
{
    private static readonly Lazy<IReadOnlyList<AiService>> Embedded = new(Load);

    public static IReadOnlyList<AiService> All => Embedded.Value;

    public static AiService? Find(string id) => All.FirstOrDefault(s => s.Id == id);

    /// <summary>The server a container runs: by image first, then by words of its command line.</summary>
    public static AiService? Identify(string image, string commandLine)
    {
        var byImage = All.FirstOrDefault(s => s.MatchesImage(image));
        if (byImage is not null) return byImage;
        return commandLine.Length == 0 ? null : All.FirstOrDefault(s => s.Commands.Any(c => commandLine.Contains(c, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The repository path of an image reference, lower case, without registry host, tag or digest.</summary>
    public static string Repository(string image)
    {
        var reference = image.Trim().ToLowerInvariant();
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0) reference = reference[..at];
        var lastSlash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        if (colon > lastSlash) reference = reference[..colon];
        var firstSlash = reference.IndexOf('/', StringComparison.Ordinal);
        // A first segment with a dot or a port is a registry host (ghcr.io, nvcr.io, localhost:5000).
        if (firstSlash > 0 && (reference[..firstSlash].Contains('.', StringComparison.Ordinal) || reference[..firstSlash].Contains(':', StringComparison.Ordinal) || reference[..firstSlash] == "localhost"))
            reference = reference[(firstSlash + 1)..];
        return reference;
    }

    /// <summary>
    /// The tag of an image reference, or "" when it has none (which means <c>latest</c>). A digest pins the image:
    /// it is the tag when alone (<c>sha256:…</c>) and follows it otherwise (<c>v1.16.1@sha256:…</c>), so a version
    /// check still reads the version and a check for "latest" does not take a pinned image for an unpinned one.
    /// </summary>
    public static string Tag(string image)
    {
        var reference = image.Trim();
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var digest = at >= 0 ? reference[(at + 1)..] : "";
        if (at >= 0) reference = reference[..at];
        var colon = reference.LastIndexOf(':');
        var tag = colon > reference.LastIndexOf('/') ? reference[(colon + 1)..] : "";
        return digest.Length == 0 ? tag : tag.Length == 0 ? digest : $"{tag}@{digest}";
    }

    private static List<AiService> Load()
    {
        var document = YamlInput.Deserialize<CatalogDocument>(EmbeddedText.Read("Bulwark.Infra.ai-services.yaml"), "embedded:ai-services.yaml", "AI service catalog")
            ?? throw new InvalidOperationException("embedded ai-services.yaml is empty");
        return document.Services!.Select(s => new AiService(
            s.Id!, s.Name!, s.Images ?? [], s.Commands ?? [], s.Ports ?? [], s.Auth == "on",
            Settings(s.AuthOn), Settings(s.AuthOff),
            (s.DefaultCredentials ?? []).ToDictionary(c => c.Key, c => (IReadOnlyList<string>)c.Value, StringComparer.Ordinal))).ToList();
    }

    private static AuthSettings Settings(SettingsDocument? d) => d is null
        ? AuthSettings.Nothing
        : new AuthSettings(
            (d.Env ?? []).ToDictionary(e => e.Key, e => Compile(e.Value), StringComparer.Ordinal),
            (d.Args ?? []).Select(Compile).ToList());

    private static Regex Compile(string pattern) => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

#pragma warning disable CA1002, CA2227 // DTOs for the YAML deserializer
    private sealed class CatalogDocument
    {
        public List<ServiceDocument>? Services { get; set; }
    }

    private sealed class ServiceDocument
    {
        public string? Id { get; set; }
        public string? Name { get; set; }
        public List<string>? Images { get; set; }
        public List<string>? Commands { get; set; }
        public List<int>? Ports { get; set; }
        public string? Auth { get; set; }
        public SettingsDocument? AuthOn { get; set; }
        public SettingsDocument? AuthOff { get; set; }
        public Dictionary<string, List<string>>? DefaultCredentials { get; set; }
    }

    private sealed class SettingsDocument
    {
        public Dictionary<string, string>? Env { get; set; }
        public List<string>? Args { get; set; }
    }
#pragma warning restore CA1002, CA2227
}
