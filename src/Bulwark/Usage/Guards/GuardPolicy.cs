using Bulwark.Kernel;
using Bulwark.Kernel.Guards;

namespace Bulwark.Usage.Guards;

/// <summary>Which texts a pipeline reads: the user's prompt, the model's answer, or a retrieved document or tool result.</summary>
public enum GuardStage
{
    Input,
    Output,
    Documents,
}

/// <summary>One step of a policy as written: the guard's name, what its hits do, and its settings.</summary>
public sealed record GuardStepPolicy
{
    public required string Guard { get; init; }
    public GuardAction Action { get; init; } = GuardAction.Block;
    public TimeSpan? Timeout { get; init; }
    public FailureMode OnFailure { get; init; } = FailureMode.Closed;
    public bool LogOnly { get; init; }

    /// <summary>A score threshold (prompt-attack: classifier score; system-prompt-leak: share of the prompt repeated).</summary>
    public double? Threshold { get; init; }

    /// <summary>exfiltration-links: hosts (and their subdomains) that may appear in links.</summary>
    public IReadOnlyList<string> AllowDomains { get; init; } = [];

    /// <summary>secrets: the rule families to run (default: secret).</summary>
    public IReadOnlyList<string> Families { get; init; } = [];

    /// <summary>regex: the organisation's own patterns, each with the rule id its hits carry.</summary>
    public IReadOnlyList<CustomPattern> Patterns { get; init; } = [];

    /// <summary>deny-list: words and phrases to find as whole words, case-insensitively.</summary>
    public IReadOnlyList<string> Words { get; init; } = [];

    /// <summary>deny-list: the rule id its hits carry (default BW-CUSTOM-DENY-LIST).</summary>
    public string? Id { get; init; }

    /// <summary>Where the step is in the file, for messages: "policy.yaml: input step 2 (prompt-attack)".</summary>
    public string Where { get; init; } = "";
}

/// <summary>
/// A guard policy: the input, output and document pipelines, each a list of guard steps, and a global log-only
/// switch. Read from YAML by <see cref="Parse"/>; guard names and settings are checked when the pipelines are built.
/// </summary>
public sealed record GuardPolicy
{
    public const long MaxPolicyBytes = 1024 * 1024;

    public bool LogOnly { get; init; }
    public IReadOnlyList<GuardStepPolicy> Input { get; init; } = [];
    public IReadOnlyList<GuardStepPolicy> Output { get; init; } = [];
    public IReadOnlyList<GuardStepPolicy> Documents { get; init; } = [];

    public IReadOnlyList<GuardStepPolicy> For(GuardStage stage) => stage switch
    {
        GuardStage.Input => Input,
        GuardStage.Output => Output,
        _ => Documents,
    };

    /// <summary>The embedded default policy (Usage/Guards/default-policy.yaml).</summary>
    public static GuardPolicy Default() => Parse(DefaultText(), "embedded:default-policy.yaml");

    /// <summary>The YAML of the embedded default policy, for readers that only inspect it (the posture assessment).</summary>
    public static string DefaultText() => EmbeddedText.Read("Bulwark.Usage.Guards.default-policy.yaml");

    public static GuardPolicy LoadFile(string path) => Parse(YamlInput.ReadFile(path, MaxPolicyBytes, "guard policy"), path);

    public static GuardPolicy Parse(string yaml, string source)
    {
        var document = YamlInput.Deserialize<PolicyDocument>(yaml, source, "guard policy");
        if (document is null) throw new BulwarkInputException($"{source}: guard policy is empty");
        var logOnly = (document.Mode ?? "enforce") switch
        {
            "enforce" => false,
            "log-only" => true,
            var other => throw new BulwarkInputException($"{source}: 'mode' must be enforce or log-only (got '{other}')"),
        };
        var defaults = document.Defaults ?? new StepDocument();
        return new GuardPolicy
        {
            LogOnly = logOnly,
            Input = Steps(document.Input, defaults, $"{source}: input"),
            Output = Steps(document.Output, defaults, $"{source}: output"),
            Documents = Steps(document.Documents, defaults, $"{source}: documents"),
        };
    }

    private static List<GuardStepPolicy> Steps(List<StepDocument>? steps, StepDocument defaults, string where) =>
        (steps ?? []).Select((s, i) => Step(s, defaults, $"{where} step {i + 1}")).ToList();

    private static GuardStepPolicy Step(StepDocument d, StepDocument defaults, string where)
    {
        if (string.IsNullOrWhiteSpace(d.Guard)) throw new BulwarkInputException($"{where}: missing 'guard'");
        where = $"{where} ({d.Guard})";
        var threshold = d.Threshold;
        if (threshold is < 0 or > 1) throw new BulwarkInputException($"{where}: 'threshold' must be between 0 and 1 (got {threshold})");
        return new GuardStepPolicy
        {
            Guard = d.Guard.Trim(),
            Action = (d.Action ?? defaults.Action ?? "block") switch
            {
                "block" => GuardAction.Block,
                "redact" => GuardAction.Redact,
                var other => throw new BulwarkInputException($"{where}: 'action' must be block or redact (got '{other}')"),
            },
            Timeout = ParseTimeout(d.Timeout ?? defaults.Timeout, where),
            OnFailure = (d.OnFailure ?? defaults.OnFailure ?? "closed") switch
            {
                "closed" => FailureMode.Closed,
                "open" => FailureMode.Open,
                var other => throw new BulwarkInputException($"{where}: 'on-failure' must be open or closed (got '{other}')"),
            },
            LogOnly = d.LogOnly ?? defaults.LogOnly ?? false,
            Threshold = threshold,
            AllowDomains = d.AllowDomains ?? [],
            Families = d.Families ?? [],
            Patterns = (d.Patterns ?? []).Select(p => new CustomPattern(p.Id?.Trim() ?? "", p.Regex ?? "", p.Description)).ToList(),
            Words = d.Words ?? [],
            Id = d.Id,
            Where = where,
        };
    }

    /// <summary>"250ms", "2s" or "none".</summary>
    private static TimeSpan? ParseTimeout(string? value, string where)
    {
        if (value is null or "none") return null;
        var (number, unit) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 1.0) : value.EndsWith('s') ? (value[..^1], 1000.0) : ("", 0);
        if (!double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount * unit > 60_000)
            throw new BulwarkInputException($"{where}: 'timeout' must look like 250ms or 2s (at most 60s), or none (got '{value}')");
        return TimeSpan.FromMilliseconds(amount * unit);
    }

    private sealed class PolicyDocument
    {
        public string? Mode { get; set; }
        public StepDocument? Defaults { get; set; }
        public List<StepDocument>? Input { get; set; }
        public List<StepDocument>? Output { get; set; }
        public List<StepDocument>? Documents { get; set; }
    }

    private sealed class StepDocument
    {
        public string? Guard { get; set; }
        public string? Action { get; set; }
        public string? Timeout { get; set; }
        public string? OnFailure { get; set; }
        public bool? LogOnly { get; set; }
        public double? Threshold { get; set; }
        public List<string>? AllowDomains { get; set; }
        public List<string>? Families { get; set; }
        public List<PatternDocument>? Patterns { get; set; }
        public List<string>? Words { get; set; }
        public string? Id { get; set; }
    }

    private sealed class PatternDocument
    {
        public string? Id { get; set; }
        public string? Regex { get; set; }
        public string? Description { get; set; }
    }
}
