namespace Bulwark.Kernel.RulePacks;

/// <summary>
/// One detection rule as written in a YAML pack. Rules are data: the engine compiles them, the docs generator
/// renders them, and <c>bulwark rules verify</c> runs their self-tests.
/// </summary>
public sealed record Rule
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required Pillar Pillar { get; init; }
    public required Severity Severity { get; init; }
    public required Confidence Confidence { get; init; }

    /// <summary>Detector family, e.g. <c>secret</c>; groups rules in reports, docs and evaluation.</summary>
    public required string Family { get; init; }

    /// <summary>Entity type reported by <c>bulwark detect</c> (e.g. <c>SECRET</c>).</summary>
    public string EntityType { get; init; } = "SECRET";

    /// <summary>Literals (case-insensitive): the pattern runs only on lines where one of them occurs.</summary>
    public required IReadOnlyList<string> Keywords { get; init; }

    /// <summary>.NET regular expression, run on bounded windows with a match timeout (see <c>PatternCompiler</c>).
    /// Empty for a detector rule that needs none.</summary>
    public required string Pattern { get; init; }

    /// <summary>
    /// Named recogniser that runs this rule instead of the pattern engine (logic that is not a keyword-anchored
    /// regex: gazetteers, digit-anchored patterns); null for a pattern rule. The data pillar resolves the name.
    /// </summary>
    public string? Detector { get; init; }

    /// <summary>Fewest digits a candidate must hold before a digit-anchored detector runs the pattern on it.</summary>
    public int MinDigits { get; init; }

    /// <summary>Most digits a candidate may hold for a digit-anchored detector to run the pattern on it; 0: no limit.</summary>
    public int MaxDigits { get; init; }

    /// <summary>Whether the text engine runs this rule (a keyword-anchored pattern), rather than a named detector.</summary>
    public bool IsPatternRule => Detector is null;

    /// <summary>The family of the model pillar's rules: reported by the model scanners, never run on text.</summary>
    public const string ModelFamily = "model";

    /// <summary>Whether this rule belongs to the model scanners (<see cref="ModelFamily"/>): text detectors skip it.</summary>
    public bool IsModelRule => Family == ModelFamily;

    /// <summary>The family of the infrastructure pillar's rules: run on parsed IaC files, never on text.</summary>
    public const string InfraFamily = "infra";

    /// <summary>Whether this rule belongs to the infrastructure checks (<see cref="InfraFamily"/>).</summary>
    public bool IsInfraRule => Family == InfraFamily;

    /// <summary>Whether the text detectors run this rule: every family but the model and infrastructure ones.</summary>
    public bool RunsOnText => !IsModelRule && !IsInfraRule;

    /// <summary>
    /// An infrastructure rule's check as written under <c>check:</c> (resource types, <c>when</c>, <c>fail</c>),
    /// compiled by <c>Bulwark.Infra.Checks.InfraCheckCompiler</c>; null for other rules. Nested values are
    /// dictionaries, lists and strings as the YAML reader gives them.
    /// </summary>
    public IReadOnlyDictionary<string, object>? Check { get; init; }

    /// <summary>Named group holding the sensitive value; the whole match when the pattern has no such group.</summary>
    public string SecretGroup { get; init; } = "secret";

    /// <summary>Minimum Shannon entropy (bits per character) of the secret; 0 disables the check.</summary>
    public double MinEntropy { get; init; }

    /// <summary>Named validators that must all accept the secret (see docs/writing-rules.md).</summary>
    public IReadOnlyList<string> Validators { get; init; } = [];

    /// <summary>Words of which one must occur within <see cref="ContextWithin"/> characters of the match.</summary>
    public IReadOnlyList<string> ContextWords { get; init; } = [];

    public int ContextWithin { get; init; } = 200;

    /// <summary>
    /// Characters either side of a keyword the pattern may read (within its line); 0 means the whole line, up to
    /// 2,048 characters each way. A small reach bounds the cost of elaborate patterns on long lines.
    /// </summary>
    public int Window { get; init; }

    /// <summary>Whether a match may span lines (PEM blocks, JSON documents).</summary>
    public bool Multiline { get; init; }

    /// <summary>Generic rules give way to a specific rule that matched the same value.</summary>
    public bool Generic { get; init; }

    /// <summary>Whether obvious placeholders (EXAMPLE, xxxx, &lt;your-key&gt;, ${VAR}) are still reported.</summary>
    public bool AllowPlaceholders { get; init; }

    /// <summary>Whether a keyword counts only where no letter stands before it ("age" in "aged 42", not in "message").</summary>
    public bool KeywordsAtWordStart { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyList<string> References { get; init; } = [];
    public string Remediation { get; init; } = "";
    public IReadOnlyList<string> MustMatch { get; init; } = [];
    public IReadOnlyList<string> MustNotMatch { get; init; } = [];

    /// <summary>Where the rule was loaded from (an embedded pack name or a file path), for error messages.</summary>
    public string Source { get; init; } = "";
}
