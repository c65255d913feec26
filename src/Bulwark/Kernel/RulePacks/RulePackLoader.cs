using System.Text.RegularExpressions;

namespace Bulwark.Kernel.RulePacks;

/// <summary>
/// Reads rule packs from YAML: the packs embedded in this library and extra packs from disk.
/// Every problem becomes a <see cref="BulwarkInputException"/> naming the file, the line when known, and the rule.
/// </summary>
public static partial class RulePackLoader
{
    private const string EmbeddedPrefix = "Bulwark.Rules.";

    /// <summary>Packs larger than this are refused: a rule pack is small by nature, a huge one is a mistake or an attack.</summary>
    public const long MaxPackBytes = 4 * 1024 * 1024;

    [GeneratedRegex("^BW-(DATA|MODEL|USAGE|INFRA|GOV)-[A-Z0-9]+(-[A-Z0-9]+)*$")]
    private static partial Regex RuleIdFormat();

    /// <summary>The embedded pack of <c>ner-*</c> detector rules, loaded only with a NER model (docs/ner.md).</summary>
    public const string NerPack = "pii/ner.yaml";

    /// <summary>The default packs shipped inside the library, in a stable order; not the optional NER pack.</summary>
    public static IReadOnlyList<RulePack> LoadEmbedded()
    {
        var assembly = typeof(RulePackLoader).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(EmbeddedPrefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal) && !IsNerPack(n))
            .Order(StringComparer.Ordinal)
            .Select(name => Parse(EmbeddedText.Read(name), "embedded:" + name[EmbeddedPrefix.Length..]))
            .ToList();
    }

    /// <summary>The optional NER pack (<see cref="NerPack"/>): rules whose <c>ner-*</c> detectors need a model.</summary>
    public static RulePack LoadEmbeddedNer()
    {
        var assembly = typeof(RulePackLoader).Assembly;
        var name = assembly.GetManifestResourceNames().Single(IsNerPack);
        return Parse(EmbeddedText.Read(name), "embedded:" + NerPack);
    }

    private static bool IsNerPack(string resourceName) =>
        resourceName.StartsWith(EmbeddedPrefix, StringComparison.Ordinal) && resourceName[EmbeddedPrefix.Length..].Replace('\\', '/') == NerPack;

    /// <summary>Loads every <c>*.yaml</c>/<c>*.yml</c> pack under a directory, or one pack file.</summary>
    public static IReadOnlyList<RulePack> LoadPath(string path)
    {
        if (File.Exists(path)) return [LoadFile(path)];
        if (!Directory.Exists(path)) throw new BulwarkInputException($"rule pack path '{path}' does not exist");
        var files = Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new BulwarkInputException($"no rule packs (*.yaml) found under '{path}'");
        return files.Select(LoadFile).ToList();
    }

    public static RulePack LoadFile(string path) => Parse(YamlInput.ReadFile(path, MaxPackBytes, "rule pack"), path);

    /// <summary>Parses and validates one pack. <paramref name="source"/> names it in error messages.</summary>
    public static RulePack Parse(string yaml, string source)
    {
        var document = YamlInput.Deserialize<RulePackDocument>(yaml, source, "rule pack");
        if (document is null) throw new BulwarkInputException($"{source}: rule pack is empty");
        if (string.IsNullOrWhiteSpace(document.Pack)) throw new BulwarkInputException($"{source}: rule pack has no 'pack' name");
        if (document.Rules is null || document.Rules.Count == 0) throw new BulwarkInputException($"{source}: rule pack '{document.Pack}' has no rules");

        var rules = document.Rules.Select((r, i) => ToRule(r, i, source)).ToList();
        var duplicate = rules.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new BulwarkInputException($"{source}: rule id '{duplicate.Key}' appears more than once");
        return new RulePack(document.Pack, source, document.Description ?? "", rules);
    }

    private static Rule ToRule(RuleDocument d, int index, string source)
    {
        var where = $"{source}: rule #{index + 1}";
        if (string.IsNullOrWhiteSpace(d.Id)) throw new BulwarkInputException($"{where}: missing 'id'");
        var id = d.Id.Trim();
        where = $"{source}: rule {id}";
        if (!RuleIdFormat().IsMatch(id))
            throw new BulwarkInputException($"{where}: id must look like BW-<DATA|MODEL|USAGE|INFRA|GOV>-NAME (upper case, digits, dashes)");
        if (!PillarNames.TryFromRuleId(id, out var pillar)) throw new BulwarkInputException($"{where}: id names no pillar");
        if (string.IsNullOrWhiteSpace(d.Name)) throw new BulwarkInputException($"{where}: missing 'name'");
        var detector = string.IsNullOrWhiteSpace(d.Detector) ? null : d.Detector.Trim();
        if (d.Check is not null && d.Family?.Trim() != Rule.InfraFamily) throw new BulwarkInputException($"{where}: only 'family: {Rule.InfraFamily}' rules take a 'check'");
        if (detector is null && string.IsNullOrWhiteSpace(d.Pattern)) throw new BulwarkInputException($"{where}: missing 'pattern' (or a 'detector')");
        if (!SeverityParsing.TryParse(d.Severity, out Severity severity))
            throw new BulwarkInputException($"{where}: 'severity' must be one of info, low, medium, high, critical (got '{d.Severity}')");
        if (!SeverityParsing.TryParse(d.Confidence ?? "medium", out Confidence confidence))
            throw new BulwarkInputException($"{where}: 'confidence' must be one of low, medium, high (got '{d.Confidence}')");
        var keywords = (d.Keywords ?? []).Where(k => !string.IsNullOrEmpty(k)).ToList();
        // A detector finds its own candidates (digit runs, capitalised words), so it needs no keyword.
        if (keywords.Count == 0 && detector is null) throw new BulwarkInputException($"{where}: needs at least one keyword (the literal prefilter runs the pattern only near a keyword)");
        var badKeyword = keywords.FirstOrDefault(k => k.Length < 3 || !System.Text.Ascii.IsValid(k));
        if (badKeyword is not null) throw new BulwarkInputException($"{where}: keyword '{badKeyword}' must be ASCII and at least 3 characters long");
        if (d.MinEntropy is < 0 or > 8) throw new BulwarkInputException($"{where}: 'min-entropy' must be between 0 and 8 bits per character");
        if (d.Context?.Within is <= 0 or > 10_000) throw new BulwarkInputException($"{where}: 'context.within' must be between 1 and 10000");
        if (d.MinDigits is < 0 or > 64) throw new BulwarkInputException($"{where}: 'min-digits' must be between 0 and 64");
        if (d.MaxDigits is < 0 or > 96 || (d.MaxDigits > 0 && d.MaxDigits < (d.MinDigits ?? 0))) throw new BulwarkInputException($"{where}: 'max-digits' must be between 'min-digits' and 96");
        if (d.Window is < 16 or > 2048) throw new BulwarkInputException($"{where}: 'window' must be between 16 and 2048 characters");

        return new Rule
        {
            Id = id,
            Name = d.Name.Trim(),
            Description = (d.Description ?? "").Trim(),
            Pillar = pillar,
            Severity = severity,
            Confidence = confidence,
            Family = string.IsNullOrWhiteSpace(d.Family) ? "secret" : d.Family.Trim(),
            EntityType = string.IsNullOrWhiteSpace(d.Entity) ? "SECRET" : d.Entity.Trim(),
            Keywords = keywords,
            Pattern = d.Pattern ?? "",
            Detector = detector,
            MinDigits = d.MinDigits ?? 0,
            MaxDigits = d.MaxDigits ?? 0,
            SecretGroup = string.IsNullOrWhiteSpace(d.SecretGroup) ? "secret" : d.SecretGroup.Trim(),
            MinEntropy = d.MinEntropy ?? 0,
            Validators = d.Validators ?? [],
            ContextWords = d.Context?.Words ?? [],
            ContextWithin = d.Context?.Within ?? 200,
            Multiline = d.Multiline ?? false,
            Window = d.Window ?? 0,
            Generic = d.Generic ?? false,
            AllowPlaceholders = d.AllowPlaceholders ?? false,
            KeywordsAtWordStart = d.KeywordsAtWordStart ?? false,
            Tags = d.Tags ?? [],
            References = d.References ?? [],
            Remediation = (d.Remediation ?? "").Trim(),
            MustMatch = d.Tests?.MustMatch ?? [],
            MustNotMatch = d.Tests?.MustNotMatch ?? [],
            Check = d.Check,
            Source = source,
        };
    }
}
