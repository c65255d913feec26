using System.Globalization;
using Bulwark.Kernel;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Reads and validates gateway.yaml. Every mistake is collected and reported at once, each naming its key
/// (<c>gateway.yaml: upstreams[0].base-url: …</c>), as one <see cref="BulwarkInputException"/> (exit code 2 in the CLI).
/// Relative paths are resolved against the config file's folder; <c>env:VAR</c> values are read from the environment.
/// </summary>
public static class GatewayConfigLoader
{
    public const long MaxConfigBytes = 1024 * 1024;

    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).Build();

    private static readonly Dictionary<string, UpstreamKind> Kinds = new(StringComparer.Ordinal)
    {
        ["openai-compatible"] = UpstreamKind.OpenAICompatible,
        ["openai"] = UpstreamKind.OpenAI,
        ["azure-openai"] = UpstreamKind.AzureOpenAI,
        ["anthropic"] = UpstreamKind.Anthropic,
    };

    /// <summary>The name a config file uses for a kind (<c>azure-openai</c>).</summary>
    public static string KindName(UpstreamKind kind) => Kinds.First(k => k.Value == kind).Key;

    public static GatewayOptions LoadFile(string path)
    {
        string yaml;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new BulwarkInputException($"gateway config '{path}' does not exist");
            if (info.Length > MaxConfigBytes) throw new BulwarkInputException($"{path}: gateway config is over the {MaxConfigBytes:N0}-byte limit");
            yaml = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot read gateway config '{path}': {e.Message}", e);
        }
        return Parse(yaml, path, Path.GetDirectoryName(Path.GetFullPath(path))!, Environment.GetEnvironmentVariable);
    }

    /// <summary>Only the database, for commands that manage keys and audit without serving (no upstream credentials needed).</summary>
    public static Storage.DatabaseLocation LoadDatabase(string path)
    {
        var document = Read(File.Exists(path) ? File.ReadAllText(path) : throw new BulwarkInputException($"gateway config '{path}' does not exist"), path);
        var errors = new List<string>();
        var database = Database(document.Database, Path.GetDirectoryName(Path.GetFullPath(path))!, errors, Environment.GetEnvironmentVariable);
        if (errors.Count > 0) throw new BulwarkInputException($"{path}: invalid gateway config:\n  " + string.Join("\n  ", errors));
        return database;
    }

    /// <summary>
    /// <c>database:</c>, a SQLite path or a PostgreSQL connection string, either literal or <c>env:VAR</c> (a
    /// connection string with a password belongs in the environment). Errors never quote the value: it may hold a password.
    /// </summary>
    private static Storage.DatabaseLocation Database(string? setting, string baseDirectory, List<string> errors, Func<string, string?> environment)
    {
        const string at = "database";
        var value = Secret(setting ?? DefaultDatabase, at, errors, environment);
        if (string.IsNullOrWhiteSpace(value)) return Storage.DatabaseLocation.Sqlite(Resolve(baseDirectory, DefaultDatabase));
        try
        {
            return Storage.DatabaseLocation.Parse(value, baseDirectory);
        }
        catch (ArgumentException e)
        {
            errors.Add($"{at}: {e.Message}");
            return Storage.DatabaseLocation.Sqlite(Resolve(baseDirectory, DefaultDatabase));
        }
    }

    private const string DefaultDatabase = "bulwark-gateway.db";

    public static GatewayOptions Parse(string yaml, string source, string baseDirectory, Func<string, string?> environment)
    {
        var document = Read(yaml, source);
        var errors = new List<string>();

        var listen = document.Listen ?? "http://127.0.0.1:8080";
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var listenUri) || listenUri.Scheme is not ("http" or "https"))
            errors.Add($"listen: must be an http(s) URL such as http://127.0.0.1:8080 (got '{listen}')");

        var upstreams = Upstreams(document.Upstreams, errors, environment);
        var routes = Routes(document.Models, upstreams, errors);

        var guards = document.Guards ?? new GuardsDocument();
        var holdBack = guards.StreamHoldBack ?? Usage.StreamingOutputGuard.DefaultHoldBack;
        if (holdBack is < 64 or > 65536) errors.Add($"guards.stream-hold-back: must be between 64 and 65536 characters (got {holdBack})");
        string? policyPath = null;
        if (guards.Policy is { Length: > 0 } policy)
        {
            policyPath = Resolve(baseDirectory, policy);
            if (!File.Exists(policyPath)) errors.Add($"guards.policy: file '{policyPath}' does not exist");
        }
        var namedPolicies = NamedPolicies(guards.Policies, baseDirectory, errors);
        CheckRoutePolicies(document.Models, namedPolicies, errors);

        var limits = document.Limits ?? new LimitsDocument();
        var maxBody = limits.MaxBodyBytes ?? GatewayOptions.DefaultMaxBodyBytes;
        if (maxBody is < 1024 or > 256L * 1024 * 1024) errors.Add($"limits.max-body-bytes: must be between 1024 and 268435456 (got {maxBody})");
        var timeout = GatewayOptions.DefaultUpstreamTimeout;
        if (limits.UpstreamTimeout is { } text && !TryDuration(text, out timeout))
            errors.Add($"limits.upstream-timeout: must be a duration such as 500ms, 30s or 2m (got '{text}')");
        if (limits.DefaultRpm is < 1) errors.Add($"limits.default-rpm: must be at least 1 (got {limits.DefaultRpm})");
        var abuse = AbuseLimits(limits, errors);

        var excerpt = PromptExcerptMode.None;
        switch (document.Audit?.PromptExcerpt)
        {
            case null or "none": break;
            case "hashed": excerpt = PromptExcerptMode.Hashed; break;
            case "redacted": excerpt = PromptExcerptMode.Redacted; break;
            case "full-encrypted": excerpt = PromptExcerptMode.FullEncrypted; break;
            case var other: errors.Add($"audit.prompt-excerpt: must be none, hashed, redacted or full-encrypted (got '{other}')"); break;
        }
        var promptCipher = PromptCipher(document.Audit?.EncryptionKey, excerpt, errors, environment);
        var telemetry = TelemetryConfig.Read(document.Telemetry, errors);
        var logFormat = TelemetryConfig.ReadLogFormat(document.Logging, errors);
        var durability = document.Audit?.Durability switch
        {
            null or "strict" => AuditDurability.Strict,
            "relaxed" => AuditDurability.Relaxed,
            var other => Invalid(errors, $"audit.durability: must be strict or relaxed (got '{other}')", AuditDurability.Strict),
        };
        var database = Database(document.Database, baseDirectory, errors, environment);
        var storeFailure = document.Stores?.OnFailure switch
        {
            null or "closed" => StoreFailureMode.Closed,
            "open" => StoreFailureMode.Open,
            var other => Invalid(errors, $"stores.on-failure: must be closed or open (got '{other}')", StoreFailureMode.Closed),
        };
        var resilience = Resilience(document.Resilience, errors);
        var redis = Redis(document.Redis, guards.Pseudonymize ?? false, errors, environment);

        string? admin = null;
        if (document.Admin?.Credential is { } credential)
        {
            if (!credential.StartsWith("env:", StringComparison.Ordinal)) errors.Add("admin.credential: must name an environment variable (env:VAR); an admin secret does not belong in a file");
            else admin = Secret(credential, "admin.credential", errors, environment);
            if (admin is { Length: < 16 }) errors.Add("admin.credential: the admin credential must be at least 16 characters");
        }

        if (errors.Count > 0) throw new BulwarkInputException($"{source}: invalid gateway config:\n  " + string.Join("\n  ", errors));
        return new GatewayOptions(listen, upstreams, routes,
            new GuardOptions(policyPath, guards.Pseudonymize ?? false, guards.Canary ?? true, holdBack, namedPolicies),
            new LimitOptions(maxBody, timeout, limits.DefaultRpm)
            {
                MaxHeaderBytes = abuse.MaxHeaderBytes,
                HeaderTimeout = abuse.HeaderTimeout,
                MinBodyBytesPerSecond = abuse.MinBodyBytesPerSecond,
                MaxStreamsPerKey = abuse.MaxStreamsPerKey,
            },
            database, excerpt, admin)
        {
            PromptCipher = promptCipher,
            Telemetry = telemetry,
            LogFormat = logFormat,
            StoreFailure = storeFailure,
            Resilience = resilience,
            Redis = redis,
            AuditDurability = durability,
        };
    }

    /// <summary>The limits that protect the gateway from abusive clients: header size, slow headers and bodies, open streams.</summary>
    private static (int MaxHeaderBytes, TimeSpan HeaderTimeout, int MinBodyBytesPerSecond, int MaxStreamsPerKey) AbuseLimits(LimitsDocument limits, List<string> errors)
    {
        var headerBytes = limits.MaxHeaderBytes ?? LimitOptions.DefaultMaxHeaderBytes;
        if (headerBytes is < 4096 or > 1024 * 1024) errors.Add($"limits.max-header-bytes: must be between 4096 and 1048576 (got {headerBytes})");
        var headerTimeout = LimitOptions.DefaultHeaderTimeout;
        // Kestrel checks rates on a one-second heartbeat, so shorter periods cannot be enforced.
        if (limits.HeaderTimeout is { } text && (!TryDuration(text, out headerTimeout) || headerTimeout < TimeSpan.FromSeconds(2)))
            errors.Add($"limits.header-timeout: must be a duration of at least 2s, such as 10s (got '{text}')");
        var bodyRate = limits.MinBodyRate ?? LimitOptions.DefaultMinBodyBytesPerSecond;
        if (bodyRate is < 1 or > 10 * 1024 * 1024) errors.Add($"limits.min-body-rate: must be between 1 and 10485760 bytes per second (got {bodyRate})");
        var streams = limits.MaxStreamsPerKey ?? LimitOptions.DefaultMaxStreamsPerKey;
        if (streams is < 1 or > 100_000) errors.Add($"limits.max-streams-per-key: must be between 1 and 100000 (got {streams})");
        return (headerBytes, headerTimeout, bodyRate, streams);
    }

    private static T Invalid<T>(List<string> errors, string error, T fallback)
    {
        errors.Add(error);
        return fallback;
    }

    /// <summary>The audit key for full-encrypted excerpts: from the environment only, 32 bytes in base64, never echoed.</summary>
    private static Audit.AuditPromptCipher? PromptCipher(string? setting, PromptExcerptMode excerpt, List<string> errors, Func<string, string?> environment)
    {
        const string at = "audit.encryption-key";
        if (setting is null)
        {
            if (excerpt == PromptExcerptMode.FullEncrypted) errors.Add($"{at}: required with prompt-excerpt: full-encrypted (env:VAR holding 32 random bytes in base64, e.g. from 'openssl rand -base64 32')");
            return null;
        }
        if (excerpt != PromptExcerptMode.FullEncrypted) errors.Add($"{at}: only used with prompt-excerpt: full-encrypted");
        if (!setting.StartsWith("env:", StringComparison.Ordinal))
        {
            errors.Add($"{at}: must name an environment variable (env:VAR); an encryption key does not belong in a file");
            return null;
        }
        if (Secret(setting, at, errors, environment) is not { } text) return null;
        var cipher = Audit.AuditPromptCipher.FromBase64(text);
        if (cipher is null) errors.Add($"{at}: environment variable {setting[4..]} must hold {Audit.AuditPromptCipher.KeyBytes} bytes in base64 (e.g. from 'openssl rand -base64 32')");
        return cipher;
    }

    /// <summary>The <c>redis:</c> section; the connection string and vault key are never echoed in an error.</summary>
    private static RedisOptions? Redis(RedisDocument? redis, bool pseudonymize, List<string> errors, Func<string, string?> environment)
    {
        if (redis is null) return null;
        string? connection = null;
        if (string.IsNullOrWhiteSpace(redis.Connection)) errors.Add("redis.connection: required (a StackExchange.Redis configuration string such as 127.0.0.1:6379, or env:VAR)");
        else connection = Secret(redis.Connection, "redis.connection", errors, environment);
        if (connection is not null)
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(connection);
            }
            catch (ArgumentException)
            {
                errors.Add("redis.connection: not a valid StackExchange.Redis configuration string (such as 127.0.0.1:6379,password=…)");
            }
        }
        var prefix = redis.KeyPrefix ?? RedisOptions.DefaultKeyPrefix;
        if (prefix.Length > 64 || prefix.Any(char.IsWhiteSpace)) errors.Add($"redis.key-prefix: at most 64 characters, no spaces (got '{prefix}')");
        var ttl = RedisOptions.DefaultVaultTtl;
        if (redis.VaultTtl is { } ttlText && !TryDuration(ttlText, out ttl, maxMilliseconds: 30 * 86_400_000L))
            errors.Add($"redis.vault-ttl: must be a duration such as 30m, 24h or 168h, at most 30 days (got '{ttlText}')");
        var timeout = RedisOptions.DefaultTimeout;
        if (redis.Timeout is { } timeoutText && (!TryDuration(timeoutText, out timeout) || timeout > TimeSpan.FromSeconds(30)))
            errors.Add($"redis.timeout: must be a duration such as 500ms or 2s, at most 30s (got '{timeoutText}')");
        return new RedisOptions(connection ?? "", prefix, VaultKey(redis.VaultKey, pseudonymize, errors, environment), ttl, timeout);
    }

    private static byte[]? VaultKey(string? setting, bool pseudonymize, List<string> errors, Func<string, string?> environment)
    {
        const string at = "redis.vault-key";
        if (setting is null)
        {
            if (pseudonymize) errors.Add($"{at}: required with guards.pseudonymize and redis (env:VAR holding 32 random bytes in base64, e.g. from 'openssl rand -base64 32'; the same on every instance)");
            return null;
        }
        if (!setting.StartsWith("env:", StringComparison.Ordinal))
        {
            errors.Add($"{at}: must name an environment variable (env:VAR); an encryption key does not belong in a file");
            return null;
        }
        if (Secret(setting, at, errors, environment) is not { } text) return null;
        var key = new byte[32];
        if (!Convert.TryFromBase64String(text, key, out var written) || written != key.Length)
        {
            errors.Add($"{at}: environment variable {setting[4..]} must hold 32 bytes in base64 (e.g. from 'openssl rand -base64 32')");
            return null;
        }
        return key;
    }

    private static GatewayConfigDocument Read(string yaml, string source)
    {
        try
        {
            return Deserializer.Deserialize<GatewayConfigDocument?>(yaml) ?? throw new BulwarkInputException($"{source}: gateway config is empty");
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is null ? "" : $" ({e.InnerException.Message})";
            throw new BulwarkInputException($"{source}:{e.Start.Line}:{e.Start.Column}: invalid gateway config: {e.Message}{inner}", e);
        }
    }

    private static Dictionary<string, UpstreamOptions> Upstreams(List<UpstreamDocument>? documents, List<string> errors, Func<string, string?> environment)
    {
        var upstreams = new Dictionary<string, UpstreamOptions>(StringComparer.Ordinal);
        if (documents is not { Count: > 0 }) errors.Add("upstreams: at least one upstream is required");
        foreach (var (u, i) in (documents ?? []).Select((u, i) => (u, i)))
        {
            var at = $"upstreams[{i}]";
            if (string.IsNullOrWhiteSpace(u.Name)) { errors.Add($"{at}.name: required"); continue; }
            if (upstreams.ContainsKey(u.Name)) errors.Add($"{at}.name: '{u.Name}' is used twice");
            if (u.Kind is null || !Kinds.TryGetValue(u.Kind, out var kind))
            {
                errors.Add($"{at}.kind: must be one of {string.Join(", ", Kinds.Keys)} (got '{u.Kind}')");
                continue;
            }
            if (!Uri.TryCreate(u.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(baseUrl.Query))
            {
                errors.Add($"{at}.base-url: must be an http(s) URL without a query, such as https://api.openai.com/v1 (got '{u.BaseUrl}')");
                continue;
            }
            var key = u.ApiKey is null ? null : Secret(u.ApiKey, $"{at}.api-key", errors, environment);
            if (key is null && u.ApiKey is null && kind is UpstreamKind.OpenAI or UpstreamKind.AzureOpenAI or UpstreamKind.Anthropic) errors.Add($"{at}.api-key: required for {u.Kind} (a key, or env:VAR)");
            if (kind == UpstreamKind.AzureOpenAI && string.IsNullOrWhiteSpace(u.ApiVersion)) errors.Add($"{at}.api-version: required for azure-openai (such as 2024-10-21)");
            if (kind == UpstreamKind.Anthropic && u.ApiVersion is { } version && string.IsNullOrWhiteSpace(version)) errors.Add($"{at}.api-version: the anthropic-version header value must not be empty (default {UpstreamOptions.DefaultAnthropicVersion})");
            if (kind is not (UpstreamKind.AzureOpenAI or UpstreamKind.Anthropic) && u.ApiVersion is not null) errors.Add($"{at}.api-version: only azure-openai and anthropic take an api-version");
            upstreams[u.Name] = new UpstreamOptions(u.Name, kind, WithTrailingSlash(baseUrl), key, u.ApiVersion);
        }
        return upstreams;
    }

    private static Dictionary<string, ModelRoute> Routes(List<ModelDocument>? documents, Dictionary<string, UpstreamOptions> upstreams, List<string> errors)
    {
        var routes = new Dictionary<string, ModelRoute>(StringComparer.Ordinal);
        if (documents is not { Count: > 0 }) errors.Add("models: at least one model route is required");
        foreach (var (m, i) in (documents ?? []).Select((m, i) => (m, i)))
        {
            var at = $"models[{i}]";
            if (string.IsNullOrWhiteSpace(m.Name)) { errors.Add($"{at}.name: required"); continue; }
            if (routes.ContainsKey(m.Name)) errors.Add($"{at}.name: model '{m.Name}' is routed twice");
            if (m.Upstream is null || !upstreams.ContainsKey(m.Upstream))
                errors.Add($"{at}.upstream: must name an upstream ({string.Join(", ", upstreams.Keys)}) (got '{m.Upstream}')");
            var upstreamModel = string.IsNullOrWhiteSpace(m.UpstreamModel) ? m.Name : m.UpstreamModel;
            routes[m.Name] = new ModelRoute(m.Name, m.Upstream ?? "", upstreamModel, m.GuardPolicy, Fallbacks(m.Fallbacks, at, upstreamModel, upstreams, errors));
        }
        return routes;
    }

    private static List<RouteTarget> Fallbacks(List<FallbackDocument>? documents, string route, string upstreamModel, Dictionary<string, UpstreamOptions> upstreams, List<string> errors)
    {
        var fallbacks = new List<RouteTarget>();
        foreach (var (f, i) in (documents ?? []).Select((f, i) => (f, i)))
        {
            if (f.Upstream is null || !upstreams.ContainsKey(f.Upstream))
            {
                errors.Add($"{route}.fallbacks[{i}].upstream: must name an upstream ({string.Join(", ", upstreams.Keys)}) (got '{f.Upstream}')");
                continue;
            }
            fallbacks.Add(new RouteTarget(f.Upstream, string.IsNullOrWhiteSpace(f.UpstreamModel) ? upstreamModel : f.UpstreamModel));
        }
        return fallbacks;
    }

    private static ResilienceOptions Resilience(ResilienceDocument? document, List<string> errors)
    {
        var defaults = ResilienceOptions.Default;
        if (document is null) return defaults;
        var retries = document.Retries ?? defaults.Retries;
        if (retries is < 0 or > 5) errors.Add($"resilience.retries: must be between 0 and 5 (got {retries})");
        var budget = defaults.RetryBudget;
        if (document.RetryBudget is { } text && !TryPercent(text, out budget))
            errors.Add($"resilience.retry-budget: must be a percentage between 0% and 100%, such as 20% (got '{text}')");
        var breaker = document.CircuitBreaker;
        var failures = breaker?.Failures ?? defaults.CircuitBreaker.Failures;
        if (failures < 1) errors.Add($"resilience.circuit-breaker.failures: must be at least 1 (got {failures})");
        var openFor = defaults.CircuitBreaker.OpenFor;
        if (breaker?.OpenFor is { } duration && !TryDuration(duration, out openFor))
            errors.Add($"resilience.circuit-breaker.open-for: must be a duration such as 500ms, 30s or 2m (got '{duration}')");
        return new ResilienceOptions(retries, budget, new CircuitBreakerOptions(failures, openFor));
    }

    private static bool TryPercent(string text, out double share)
    {
        share = 0;
        if (!text.EndsWith('%') || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent is < 0 or > 100) return false;
        share = percent / 100;
        return true;
    }

    /// <summary>
    /// The guard policy names <c>bulwark keys</c> and <c>bulwark teams</c> may give (<c>default</c> and <c>guards.policies</c>),
    /// read without the rest of the config (no upstream credentials needed).
    /// </summary>
    public static IReadOnlySet<string> LoadGuardPolicyNames(string path)
    {
        var document = Read(File.Exists(path) ? File.ReadAllText(path) : throw new BulwarkInputException($"gateway config '{path}' does not exist"), path);
        return new HashSet<string>([GuardPolicyNames.Default, .. (IEnumerable<string>?)document.Guards?.Policies?.Keys ?? []], StringComparer.Ordinal);
    }

    private static Dictionary<string, string> NamedPolicies(Dictionary<string, string>? documents, string baseDirectory, List<string> errors)
    {
        var policies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, file) in documents ?? new Dictionary<string, string>())
        {
            var at = $"guards.policies.{name}";
            if (GuardPolicyNames.Problem(name) is { } problem) errors.Add($"{at}: {problem}");
            else if (name == GuardPolicyNames.Default) errors.Add($"{at}: 'default' is the name of guards.policy; pick another name");
            else if (string.IsNullOrWhiteSpace(file)) errors.Add($"{at}: needs a policy file");
            else if (Resolve(baseDirectory, file) is var path && !File.Exists(path)) errors.Add($"{at}: file '{path}' does not exist");
            else policies[name] = path;
        }
        return policies;
    }

    private static void CheckRoutePolicies(List<ModelDocument>? models, Dictionary<string, string> policies, List<string> errors)
    {
        foreach (var (m, i) in (models ?? []).Select((m, i) => (m, i)))
        {
            if (m.GuardPolicy is { } name && name != GuardPolicyNames.Default && !policies.ContainsKey(name))
                errors.Add($"models[{i}].guard-policy: '{name}' is not defined in guards.policies (defined: {string.Join(", ", [GuardPolicyNames.Default, .. policies.Keys])})");
        }
    }

    /// <summary>A literal value, or <c>env:VAR</c> read from the environment. Never echoes the value in an error.</summary>
    private static string? Secret(string value, string key, List<string> errors, Func<string, string?> environment)
    {
        if (!value.StartsWith("env:", StringComparison.Ordinal)) return value;
        var variable = value[4..];
        if (variable.Length == 0) { errors.Add($"{key}: 'env:' needs a variable name"); return null; }
        var resolved = environment(variable);
        if (string.IsNullOrEmpty(resolved)) errors.Add($"{key}: environment variable {variable} is not set");
        return resolved;
    }

    /// <summary>Durations as written in policies: <c>250ms</c>, <c>30s</c>, <c>2m</c>, <c>24h</c>; at most an hour unless the caller allows more.</summary>
    internal static bool TryDuration(string text, out TimeSpan duration, long maxMilliseconds = 3_600_000)
    {
        duration = default;
        (string suffix, double scale)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (suffix, scale) in units)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            if (!double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || value * scale > maxMilliseconds) return false;
            duration = TimeSpan.FromMilliseconds(value * scale);
            return true;
        }
        return false;
    }

    private static string Resolve(string baseDirectory, string path) => Path.GetFullPath(Path.Combine(baseDirectory, path));

    // Without it, Uri combines "…/v1" + "chat/completions" into "…/chat/completions".
    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
