namespace Bulwark.Governance.ShadowAi;

/// <summary>What kind of generative-AI service a catalog entry is (written kebab-case in YAML: <c>chat-assistant</c>).</summary>
public enum GenAiCategory
{
    ChatAssistant,
    CodingAssistant,
    ImageGeneration,
    VideoGeneration,
    AudioGeneration,
    ModelApi,
    AgentPlatform,
    Transcription,
    WritingAssistant,
    SearchAssistant,
    SaasAiFeature,
}

/// <summary>Whether a service trains on what users send it, in its default (free or individual) tier.</summary>
public enum TrainingUse
{
    /// <summary>No vendor statement was checked.</summary>
    Unknown,

    /// <summary>Not used for training by default.</summary>
    No,

    /// <summary>Used by default; a documented user setting turns it off.</summary>
    OptOut,

    /// <summary>Used by default and no user setting is documented (a paid plan may exclude it).</summary>
    Yes,
}

/// <summary>Risk facts of a service as the catalog states them; null means unknown.</summary>
/// <param name="DataResidency">Regions the vendor offers to keep data in (<c>us</c>, <c>eu</c>, <c>cn</c>); null when unknown.</param>
/// <param name="Source">Where the facts come from, briefly.</param>
public sealed record GenAiRisk(TrainingUse TrainsOnUserData, bool? EnterpriseTier, IReadOnlyList<string>? DataResidency, bool? Sso, string Source)
{
    public static GenAiRisk Unknown { get; } = new(TrainingUse.Unknown, null, null, null, "not stated");
}

/// <summary>One generative-AI service of the catalog.</summary>
/// <param name="Index">Position in <see cref="GenAiCatalog.Services"/>: what <see cref="ServiceMatcher.Match(ReadOnlySpan{byte})"/> returns.</param>
/// <param name="Domains">Names matched with their subdomains, lower-case ASCII (IDN as punycode).</param>
/// <param name="Hosts">Names matched exactly.</param>
/// <param name="Origin">Where the domains come from (<c>v2fly:openai</c>, <c>supplement</c>), if the catalog says.</param>
public sealed record GenAiService(
    int Index,
    string Id,
    string Name,
    string Vendor,
    GenAiCategory Category,
    IReadOnlyList<string> Domains,
    IReadOnlyList<string> Hosts,
    GenAiRisk Risk,
    string? Origin)
{
    /// <summary>0–100, higher is riskier: see <see cref="GenAiRiskScore.RiskScore(GenAiService)"/>.</summary>
    public int RiskScore => GenAiRiskScore.RiskScore(this);
}

/// <summary>The kebab-case names of <see cref="GenAiCategory"/> as catalogs and policies write them.</summary>
public static class GenAiCategories
{
    private static readonly string[] Names =
    [
        "chat-assistant", "coding-assistant", "image-generation", "video-generation", "audio-generation", "model-api",
        "agent-platform", "transcription", "writing-assistant", "search-assistant", "saas-ai-feature",
    ];

    public static IReadOnlyList<string> All => Names;

    public static string ToName(this GenAiCategory category) => Names[(int)category];

    public static bool TryParse(string? name, out GenAiCategory category)
    {
        var index = Array.IndexOf(Names, name?.Trim());
        category = index < 0 ? default : (GenAiCategory)index;
        return index >= 0;
    }
}
