namespace Bulwark.Kernel;

/// <summary>
/// One result of a scan. Immutable. <see cref="Evidence"/> is always redacted: a finding never carries
/// the clear secret, so findings can be logged, stored and reported safely.
/// </summary>
public sealed record Finding
{
    public required string RuleId { get; init; }
    public required string RuleName { get; init; }
    public required Pillar Pillar { get; init; }
    public required Severity Severity { get; init; }
    public required Confidence Confidence { get; init; }
    public required string Message { get; init; }
    public required Location Location { get; init; }

    /// <summary>The matched text with the sensitive part masked, e.g. <c>sk-p…(164 chars)…Q2xA</c> never appears; see <see cref="Redaction"/>.</summary>
    public required string Evidence { get; init; }

    /// <summary>Stable identity of the finding that survives line moves: a hash of rule id, file and secret.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Catalog tags such as <c>owasp-llm:LLM02</c>, <c>cwe:CWE-798</c>, <c>atlas:AML.T0055</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>0.0–1.0 score, for machine consumers that rank or threshold.</summary>
    public double Score { get; init; }

    /// <summary>The entity type a text detector reports (e.g. <c>SECRET</c>, <c>EMAIL_ADDRESS</c>).</summary>
    public string EntityType { get; init; } = "SECRET";
}
