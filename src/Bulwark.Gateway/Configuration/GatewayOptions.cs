namespace Bulwark.Gateway.Configuration;

/// <summary>The kinds of model provider the gateway can route to; they differ in path and credential header.</summary>
public enum UpstreamKind
{
    /// <summary>Any server speaking OpenAI's wire format (vLLM, Ollama, LM Studio, llama.cpp): Bearer key, optional.</summary>
    OpenAICompatible,

    /// <summary>api.openai.com: Bearer key, required.</summary>
    OpenAI,

    /// <summary>Azure OpenAI: deployments in the path, <c>api-version</c> in the query, <c>api-key</c> header.</summary>
    AzureOpenAI,

    /// <summary>
    /// Anthropic: <c>/v1/messages</c> goes to its native Messages API (<c>x-api-key</c>, <c>anthropic-version</c>
    /// headers); <c>/v1/chat/completions</c> to its OpenAI SDK compatibility endpoint (Bearer key). Key required.
    /// </summary>
    Anthropic,
}

/// <summary>How much of a prompt an audit record keeps.</summary>
public enum PromptExcerptMode
{
    /// <summary>Nothing: the default.</summary>
    None,

    /// <summary>A SHA-256 of the prompt sent upstream: equal prompts join, the text stays unreadable.</summary>
    Hashed,

    /// <summary>The first 200 characters as sent upstream, with every detected secret or PII value replaced by its type.</summary>
    Redacted,

    /// <summary>
    /// The client's whole request body as received (before pseudonymisation or redaction), sealed with AES-256-GCM
    /// under <c>audit.encryption-key</c>: forensic recovery for whoever holds the key, ciphertext for everyone else.
    /// </summary>
    FullEncrypted,
}

/// <summary>One model provider. The credential never leaves the gateway: it is not logged, audited or shown to clients.</summary>
/// <param name="ApiVersion">Azure OpenAI's <c>api-version</c> query value; for Anthropic, the <c>anthropic-version</c> header.</param>
public sealed record UpstreamOptions(string Name, UpstreamKind Kind, Uri BaseUrl, string? ApiKey, string? ApiVersion)
{
    /// <summary>The Messages API version whose shapes the gateway reads and writes (Anthropic's current one).</summary>
    public const string DefaultAnthropicVersion = "2023-06-01";

    /// <summary>The <c>anthropic-version</c> header sent to an Anthropic upstream.</summary>
    public string AnthropicVersion => ApiVersion ?? DefaultAnthropicVersion;

    /// <summary>Keeps the credential out of anything that prints the record.</summary>
    public override string ToString() => $"{Name} ({Kind}, {BaseUrl})";
}

/// <summary>What the gateway does while a shared store (PostgreSQL, Redis) is unreachable (<c>stores.on-failure</c>).</summary>
public enum StoreFailureMode
{
    /// <summary>Refuse what needs the store (503 <c>store_unavailable</c>): no request goes unlimited or unaudited. The default.</summary>
    Closed,

    /// <summary>Keep serving on local state (in-process limits, a per-request vault, audit records queued in memory) and catch up when the store is back.</summary>
    Open,
}

/// <summary>
/// The shared Redis (<c>redis:</c>): rate-limit windows, live daily token counts and the pseudonym vault, so that
/// gateway instances behind one load balancer act as one.
/// </summary>
/// <param name="Connection">A StackExchange.Redis configuration string; may hold a password, so it is never printed.</param>
/// <param name="KeyPrefix">Put before every Redis key (default <c>bulwark:</c>), so several gateways can share a server.</param>
/// <param name="VaultKey">32 bytes that encrypt the vault's originals and key its lookups; null when pseudonymisation is off.</param>
/// <param name="VaultTtl">How long a key's placeholders live after their last use (default 24 h).</param>
/// <param name="Timeout">How long one Redis call may take before the store counts as down (default 1.5 s).</param>
public sealed record RedisOptions(string Connection, string KeyPrefix, byte[]? VaultKey, TimeSpan VaultTtl, TimeSpan Timeout)
{
    public const string DefaultKeyPrefix = "bulwark:";
    public static readonly TimeSpan DefaultVaultTtl = TimeSpan.FromHours(24);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(1500);

    /// <summary>Keeps the connection string (its password) and the vault key out of anything that prints the record.</summary>
    public override string ToString() => $"redis (prefix {KeyPrefix})";
}

/// <summary>When a request's audit record must be committed (<c>audit.durability</c>).</summary>
public enum AuditDurability
{
    /// <summary>Before the response completes: a completed response always has its record, even if the gateway is killed next. The default.</summary>
    Strict,

    /// <summary>
    /// Queued, written within moments (group commit): responses do not wait for the database, and a killed gateway
    /// loses the records still queued (the <c>bulwark.audit.queue_depth</c> at that moment).
    /// </summary>
    Relaxed,
}

/// <summary>A model name clients use, the upstream that serves it, and the name the upstream knows it by.</summary>
/// <param name="GuardPolicy">A named guard policy for this model's requests (unless the key or team names one); null: the default.</param>
/// <param name="Fallbacks">Other upstreams that may answer when this one fails in a way that is safe to retry (<c>models[].fallbacks</c>).</param>
public sealed record ModelRoute(string Model, string Upstream, string UpstreamModel, string? GuardPolicy = null, IReadOnlyList<RouteTarget>? Fallbacks = null)
{
    /// <summary>Where the request may go, in order: the route's own upstream, then its fallbacks.</summary>
    public IReadOnlyList<RouteTarget> Targets => [new RouteTarget(Upstream, UpstreamModel), .. Fallbacks ?? []];
}

/// <summary>One upstream a route may send to, with the model name that upstream knows.</summary>
public sealed record RouteTarget(string Upstream, string UpstreamModel);

/// <summary>Where the guards come from and how the gateway applies them.</summary>
/// <param name="PolicyPath">A guard policy YAML (docs/guards.md); null runs the embedded default policy.</param>
/// <param name="Pseudonymize">Replace secrets and PII in prompts by placeholders upstream and restore them in the answer.</param>
/// <param name="Canary">Plant a fresh canary token in the system prompt of each request (when the output policy checks canaries).</param>
/// <param name="StreamHoldBack">Characters of a streamed answer held back for the output guards (default 1,024).</param>
/// <param name="Policies">Named guard policies (<c>guards.policies</c>): name → policy file, for keys, teams and models to pick.</param>
public sealed record GuardOptions(string? PolicyPath, bool Pseudonymize, bool Canary, int StreamHoldBack, IReadOnlyDictionary<string, string>? Policies = null);

/// <summary>
/// Request limits. Defaults: 1 MiB bodies, 60 s upstream timeout, no per-key default rate; against abusive clients,
/// 32 KiB of headers that must all arrive within 10 s, bodies that keep up 240 bytes/s after that grace, and 32
/// concurrent streams per key.
/// </summary>
public sealed record LimitOptions(long MaxBodyBytes, TimeSpan UpstreamTimeout, int? DefaultRequestsPerMinute)
{
    public const int DefaultMaxHeaderBytes = 32 * 1024;
    public const int DefaultMinBodyBytesPerSecond = 240;
    public const int DefaultMaxStreamsPerKey = 32;
    public static readonly TimeSpan DefaultHeaderTimeout = TimeSpan.FromSeconds(10);

    /// <summary>All request headers together (431 above it).</summary>
    public int MaxHeaderBytes { get; init; } = DefaultMaxHeaderBytes;

    /// <summary>Time for a request's headers to arrive (slowloris): the connection is closed after it. Also the body's grace period.</summary>
    public TimeSpan HeaderTimeout { get; init; } = DefaultHeaderTimeout;

    /// <summary>The slowest a body may arrive once <see cref="HeaderTimeout"/> has passed (408 below it).</summary>
    public int MinBodyBytesPerSecond { get; init; } = DefaultMinBodyBytesPerSecond;

    /// <summary>Streamed answers one key may hold open at once on this gateway instance (429 above it).</summary>
    public int MaxStreamsPerKey { get; init; } = DefaultMaxStreamsPerKey;
}

/// <summary>The whole validated gateway configuration.</summary>
public sealed record GatewayOptions(
    string Listen,
    IReadOnlyDictionary<string, UpstreamOptions> Upstreams,
    IReadOnlyDictionary<string, ModelRoute> Routes,
    GuardOptions Guards,
    LimitOptions Limits,
    Storage.DatabaseLocation Database,
    PromptExcerptMode PromptExcerpt,
    string? AdminCredential)
{
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>Seals prompts when <see cref="PromptExcerpt"/> is <see cref="PromptExcerptMode.FullEncrypted"/>; null otherwise.</summary>
    public Audit.AuditPromptCipher? PromptCipher { get; init; }

    public TelemetryOptions Telemetry { get; init; } = TelemetryOptions.Default;

    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    /// <summary>Retries, fallbacks and circuit breaking against failing upstreams (<c>resilience</c>).</summary>
    public ResilienceOptions Resilience { get; init; } = ResilienceOptions.Default;

    /// <summary>Fail closed (the default) or open while PostgreSQL or Redis is down.</summary>
    public StoreFailureMode StoreFailure { get; init; } = StoreFailureMode.Closed;

    /// <summary>The shared Redis; null keeps limits, live token counts and the vault in this process.</summary>
    public RedisOptions? Redis { get; init; }
    /// <summary>Whether a response waits for its audit record's commit (<c>audit.durability</c>, strict by default).</summary>
    public AuditDurability AuditDurability { get; init; } = AuditDurability.Strict;

    public static readonly TimeSpan DefaultUpstreamTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Keeps the admin credential and upstream keys out of anything that prints the options.</summary>
    public override string ToString() => $"gateway on {Listen}: {Upstreams.Count} upstream(s), {Routes.Count} model(s)";
}
