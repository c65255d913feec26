namespace Bulwark.Governance.Catalogs;

/// <summary>
/// One item of a framework: a NIST function or subcategory, an ISO control, an OWASP risk, an EU AI Act article or
/// obligation, an ATLAS technique …
/// </summary>
/// <param name="Kind">What the item is within its framework: "subcategory", "control", "risk", "obligation", "technique" ….</param>
/// <param name="Parent">The id of the enclosing item; for a NIST AI 600-1 action, its AI RMF subcategory ("GOVERN 1.1").</param>
/// <param name="Description">A short summary (or the full text once imported with <see cref="FrameworkCatalog.WithImport"/>).</param>
public sealed record ControlItem(string Id, string Title, string Kind, string? Parent, string? Description)
{
    private static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>Facts beyond the five fields: an obligation's <c>role</c>, <c>tier</c>, <c>articles</c> and
    /// <c>applies-from</c> date, an article's <c>applies-from</c>, a technique's <c>tactics</c> ….</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = None;
}
