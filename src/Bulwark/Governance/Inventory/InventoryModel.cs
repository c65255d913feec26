namespace Bulwark.Governance.Inventory;

/// <summary>The EU AI Act risk tiers (written <c>prohibited</c>, <c>high</c>, <c>limited</c>, <c>minimal</c>, <c>gpai</c> in YAML).</summary>
public enum EuAiActTier
{
    Prohibited,
    High,
    Limited,
    Minimal,

    /// <summary>A general-purpose AI model (Chapter V), written <c>gpai</c>.</summary>
    GeneralPurpose,
}

/// <summary>A model a declared system uses; the provider is optional (a local or in-house model has none).</summary>
public sealed record DeclaredModel(string Name, string? Provider);

/// <summary>One AI system of <c>ai-inventory.yaml</c>.</summary>
/// <param name="AnnexIiiArea">One of the eight Annex III areas; required when the tier is high.</param>
/// <param name="Line">Where the system starts in the inventory file (1-based).</param>
public sealed record DeclaredSystem(
    string Id,
    string Name,
    string Owner,
    string Purpose,
    IReadOnlyList<string> Users,
    EuAiActTier RiskTier,
    string? AnnexIiiArea,
    IReadOnlyList<DeclaredModel> Models,
    IReadOnlyList<string> Providers,
    IReadOnlyList<string> DataCategories,
    IReadOnlyList<string> GatewayKeys,
    string? HumanOversight,
    int Line)
{
    /// <summary>Folders or files (relative to the project root, <c>/</c>-separated) holding the system's code: they help match discovered use.</summary>
    public IReadOnlyList<string> CodePaths { get; init; } = [];

    /// <summary>Host names the system calls (a name matches its subdomains too): they help match discovered endpoints.</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];
}

/// <summary>The declared AI systems of one inventory file.</summary>
public sealed record AiInventory(string Path, IReadOnlyList<DeclaredSystem> Systems);

/// <summary>Where a use of AI was discovered.</summary>
public enum DiscoverySource
{
    /// <summary>A model file in the project tree.</summary>
    ModelFile,

    /// <summary>An AI SDK imported in code or listed in a dependency manifest.</summary>
    CodeSdk,

    /// <summary>An AI service's URL in code or configuration.</summary>
    CodeEndpoint,

    /// <summary>An AI service seen in network logs (<c>bulwark discover</c>).</summary>
    ShadowAi,

    /// <summary>A model route of the gateway's configuration.</summary>
    GatewayModel,

    /// <summary>
    /// An AI provider's API-key (or endpoint) variable name set or read in an env file, compose or Kubernetes YAML, a
    /// Dockerfile or code. Only the name is kept: the value is a secret and never read into the evidence.
    /// </summary>
    ProviderKey,
}

/// <summary>One use of AI found by <see cref="InventoryDiscovery"/>.</summary>
/// <param name="Name">What was found: the package or module, the host, the model file's name, the route's model name.</param>
/// <param name="Provider">The AI provider's display name (<c>OpenAI</c>), or null when not known (a local model file).</param>
/// <param name="Evidence">The matched text (an import statement, a URL without credentials or path) or a description; never a whole line.</param>
/// <param name="File">The file, relative to the project root with <c>/</c> separators (or the input file for reports and configs).</param>
/// <param name="Line">1-based, when the use is on a line.</param>
public sealed record DiscoveredAiUse(DiscoverySource Source, string Name, string? Provider, string Evidence, string? File, int? Line)
{
    /// <summary>For traffic seen at the gateway: the virtual key id that made the calls (a system's <c>gateway-keys</c> may name it).</summary>
    public string? GatewayKey { get; init; }

    /// <summary>For traffic seen at the gateway: the key's team (a system's <c>gateway-keys</c> may name it too).</summary>
    public string? Team { get; init; }
}

/// <summary>One call the gateway audited: which route (model), upstream, key and team, and when.</summary>
public sealed record GatewayCall(string? Model, string? Upstream, string? KeyId, string? Team, DateTimeOffset Time);

/// <summary>Declared and seen, seen but not declared, declared but not seen.</summary>
public enum InventoryStatus
{
    Declared,
    Undeclared,
    NotObserved,
}

/// <summary>
/// One row of the reconciled inventory: a declared system with the uses matched to it, or (undeclared) the uses of
/// one provider that no system declares.
/// </summary>
public sealed record InventoryEntry(string Name, InventoryStatus Status, DeclaredSystem? Declared, IReadOnlyList<DiscoveredAiUse> Discovered);

/// <summary>The declared inventory reconciled with what was discovered.</summary>
public sealed record InventoryReport(string? InventoryPath, IReadOnlyList<InventoryEntry> Entries)
{
    public IEnumerable<InventoryEntry> Undeclared => Entries.Where(e => e.Status == InventoryStatus.Undeclared);

    public IEnumerable<InventoryEntry> DeclaredAndSeen => Entries.Where(e => e.Status == InventoryStatus.Declared);

    public IEnumerable<InventoryEntry> NotObserved => Entries.Where(e => e.Status == InventoryStatus.NotObserved);

    public bool HasUndeclared => Entries.Any(e => e.Status == InventoryStatus.Undeclared);
}
