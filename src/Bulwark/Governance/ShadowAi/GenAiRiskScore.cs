namespace Bulwark.Governance.ShadowAi;

/// <summary>
/// A 0–100 risk score for a service, from its category and risk facts (docs/shadow-ai-catalog.md). The score is code,
/// not catalog data, so every catalog — the embedded one and a user's — is scored the same way:
/// <code>
///   category exposure  agent-platform 40; coding-assistant, transcription 35; chat-assistant, writing-assistant,
///                      model-api 30; search-assistant 25; audio-generation 20; image-generation,
///                      video-generation, saas-ai-feature 15
/// + training           yes 30, opt-out 20, unknown 15, no 0
/// + enterprise tier    false 15, unknown 10, true 0
/// + SSO                false 10, unknown 5, true 0
/// + data residency     unknown 5, stated 0
/// </code>
/// The maximum is 100. Unknown facts cost less than bad ones but more than good ones: an unassessed service ranks
/// above an assessed safe one, below a known bad one.
/// </summary>
public static class GenAiRiskScore
{
    /// <summary>Scores at or above this are high.</summary>
    public const int High = 70;

    /// <summary>Scores at or above this (and under <see cref="High"/>) are medium.</summary>
    public const int Medium = 45;

    public static int RiskScore(GenAiService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var risk = service.Risk;
        return CategoryExposure(service.Category)
            + risk.TrainsOnUserData switch { TrainingUse.Yes => 30, TrainingUse.OptOut => 20, TrainingUse.Unknown => 15, _ => 0 }
            + risk.EnterpriseTier switch { false => 15, null => 10, true => 0 }
            + risk.Sso switch { false => 10, null => 5, true => 0 }
            + (risk.DataResidency is null ? 5 : 0);
    }

    /// <summary><c>high</c>, <c>medium</c> or <c>low</c>.</summary>
    public static string Band(int score) => score >= High ? "high" : score >= Medium ? "medium" : "low";

    // What users typically hand the service: agents act with their credentials, code and meetings hold secrets.
    private static int CategoryExposure(GenAiCategory category) => category switch
    {
        GenAiCategory.AgentPlatform => 40,
        GenAiCategory.CodingAssistant or GenAiCategory.Transcription => 35,
        GenAiCategory.ChatAssistant or GenAiCategory.WritingAssistant or GenAiCategory.ModelApi => 30,
        GenAiCategory.SearchAssistant => 25,
        GenAiCategory.AudioGeneration => 20,
        _ => 15,
    };
}
