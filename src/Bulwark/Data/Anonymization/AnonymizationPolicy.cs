using Bulwark.Kernel;

namespace Bulwark.Data.Anonymization;

/// <summary>
/// Which operator each entity type gets, from YAML:
/// <code>
/// default: { operator: replace }
/// entities:
///   CREDIT_CARD: { operator: mask, keep-last: 4, char: '#' }
///   PERSON: { operator: pseudonymize }
///   US_SSN: { operator: hash }
/// </code>
/// Keyed operators (hash, encrypt, pseudonymize) are refused without a key, when the policy is bound.
/// </summary>
public sealed class AnonymizationPolicy
{
    public const long MaxPolicyBytes = 256 * 1024;

    public static readonly string[] OperatorNames = ["replace", "redact", "mask", "hash", "encrypt", "pseudonymize"];

    private AnonymizationPolicy(OperatorSpec fallback, IReadOnlyDictionary<string, OperatorSpec> entities)
    {
        Default = fallback;
        Entities = entities;
    }

    public OperatorSpec Default { get; }

    public IReadOnlyDictionary<string, OperatorSpec> Entities { get; }

    /// <summary>Replace everything with its type tag: the safe default when no policy is given.</summary>
    public static AnonymizationPolicy ReplaceAll { get; } = new(new OperatorSpec("replace", '*', 4), new Dictionary<string, OperatorSpec>());

    /// <summary>One operator for every type (<c>bulwark redact --operator mask</c>).</summary>
    public static AnonymizationPolicy All(string operatorName) =>
        new(Spec(new OperatorDocument { Operator = operatorName }, "--operator"), new Dictionary<string, OperatorSpec>());

    public OperatorSpec For(string entityType) => Entities.GetValueOrDefault(entityType, Default);

    public bool NeedsKey => Entities.Values.Append(Default).Any(s => s.Name is "hash" or "encrypt" or "pseudonymize");

    public static AnonymizationPolicy LoadFile(string path) => Parse(YamlInput.ReadFile(path, MaxPolicyBytes, "anonymisation policy"), path);

    public static AnonymizationPolicy Parse(string yaml, string source)
    {
        var document = YamlInput.Deserialize<PolicyDocument>(yaml, source, "anonymisation policy") ?? new PolicyDocument();
        var fallback = Spec(document.Default ?? new OperatorDocument { Operator = "replace" }, $"{source}: default");
        var entities = (document.Entities ?? []).ToDictionary(e => e.Key, e => Spec(e.Value, $"{source}: entities.{e.Key}"), StringComparer.Ordinal);
        return new AnonymizationPolicy(fallback, entities);
    }

    private static OperatorSpec Spec(OperatorDocument d, string where)
    {
        var name = d.Operator ?? throw new BulwarkInputException($"{where}: missing 'operator' (one of {string.Join(", ", OperatorNames)})");
        if (!OperatorNames.Contains(name)) throw new BulwarkInputException($"{where}: unknown operator '{name}' (one of {string.Join(", ", OperatorNames)})");
        if (d.KeepLast is < 0 or > 16) throw new BulwarkInputException($"{where}: 'keep-last' must be between 0 and 16");
        if (d.Char is { Length: not 1 }) throw new BulwarkInputException($"{where}: 'char' must be a single character");
        if (name != "mask" && (d.KeepLast is not null || d.Char is not null)) throw new BulwarkInputException($"{where}: 'keep-last' and 'char' apply to the mask operator only");
        return new OperatorSpec(name, d.Char?[0] ?? '*', d.KeepLast ?? 4);
    }

    /// <summary>An operator as configured: its name and the mask settings.</summary>
    public sealed record OperatorSpec(string Name, char MaskChar, int KeepLast);

    private sealed class PolicyDocument
    {
        public OperatorDocument? Default { get; set; }
        public Dictionary<string, OperatorDocument>? Entities { get; set; }
    }

    private sealed class OperatorDocument
    {
        public string? Operator { get; set; }
        public int? KeepLast { get; set; }
        public string? Char { get; set; }
    }
}
