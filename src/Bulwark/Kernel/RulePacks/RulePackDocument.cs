using YamlDotNet.Serialization;

namespace Bulwark.Kernel.RulePacks;

// The YAML shape of a pack. Kept apart from Rule so the file format can evolve without touching the model.
// Mutable with public setters because YamlDotNet fills it; it never leaves the loader.
#pragma warning disable CA1002, CA2227 // DTOs for the YAML deserializer
internal sealed class RulePackDocument
{
    public string? Pack { get; set; }
    public string? Description { get; set; }
    public List<RuleDocument>? Rules { get; set; }
}

internal sealed class RuleDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Severity { get; set; }
    public string? Confidence { get; set; }
    public string? Family { get; set; }
    public string? Entity { get; set; }
    public List<string>? Keywords { get; set; }
    public string? Pattern { get; set; }
    public string? Detector { get; set; }
    [YamlMember(Alias = "min-digits")] public int? MinDigits { get; set; }
    [YamlMember(Alias = "max-digits")] public int? MaxDigits { get; set; }
    [YamlMember(Alias = "secret-group")] public string? SecretGroup { get; set; }
    [YamlMember(Alias = "min-entropy")] public double? MinEntropy { get; set; }
    public List<string>? Validators { get; set; }
    public ContextDocument? Context { get; set; }
    public bool? Multiline { get; set; }
    public int? Window { get; set; }
    public bool? Generic { get; set; }
    [YamlMember(Alias = "allow-placeholders")] public bool? AllowPlaceholders { get; set; }
    [YamlMember(Alias = "keywords-at-word-start")] public bool? KeywordsAtWordStart { get; set; }
    public List<string>? Tags { get; set; }
    public List<string>? References { get; set; }
    public string? Remediation { get; set; }
    public TestsDocument? Tests { get; set; }
    public Dictionary<string, object>? Check { get; set; }
}

internal sealed class ContextDocument
{
    public List<string>? Words { get; set; }
    public int? Within { get; set; }
}

internal sealed class TestsDocument
{
    [YamlMember(Alias = "must-match")] public List<string>? MustMatch { get; set; }
    [YamlMember(Alias = "must-not-match")] public List<string>? MustNotMatch { get; set; }
}
#pragma warning restore CA1002, CA2227
