using Bulwark.Kernel;

namespace Bulwark.Data;

/// <summary>
/// Gives a file a sensitivity level from the data-pillar findings in it, so access control and encryption can follow
/// the data type. Restricted: credentials and identifiers whose leak enables fraud or harm (secrets, payment cards,
/// bank accounts, national, tax, health and travel identifiers, crypto wallets). Confidential: personal data
/// (names, contact details, addresses, dates of birth, beliefs and origins). Internal: infrastructure and business
/// details (IP and MAC addresses, URLs, organisations, places, dates). Public: nothing found.
/// </summary>
public static class SensitivityClassifier
{
    private static readonly string[] RestrictedMarks =
        ["SECRET", "CREDIT_CARD", "IBAN", "BANK", "SSN", "ITIN", "PASSPORT", "DRIVER", "LICENSE", "NHS", "NINO", "NIF", "NIE", "FISCAL", "VAT", "PESEL",
         "PERSONAL_IDENTITY", "NRIC", "TFN", "MEDICARE", "MEDICAL", "HEALTH", "NPI", "DEA", "AADHAAR", "PAN", "VOTER", "CPF", "CNPJ", "SIN", "BSN", "NIR",
         "STEUER", "PERSONNUMMER", "CRYPTO", "ABN", "ACN"];

    private static readonly HashSet<string> Confidential = new(StringComparer.Ordinal)
        { "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "DATE_OF_BIRTH", "AGE", "NRP", "US_ZIP_CODE", "ZIP_CODE" };

    public static SensitivityLevel LevelOf(string entityType)
    {
        // Marks match whole underscore-separated parts: IN_PAN is a tax id, COMPANY is not.
        var bounded = "_" + entityType + "_";
        if (RestrictedMarks.Any(mark => bounded.Contains("_" + mark + "_", StringComparison.Ordinal))) return SensitivityLevel.Restricted;
        return Confidential.Contains(entityType) ? SensitivityLevel.Confidential : SensitivityLevel.Internal;
    }

    /// <summary>Classifies each file from its findings; usage, model and infrastructure findings do not count.</summary>
    public static List<FileClassification> Classify(IEnumerable<string> scannedFiles, IEnumerable<Finding> findings)
    {
        var byFile = findings.Where(f => f.Pillar == Pillar.Data).GroupBy(f => f.Location.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return scannedFiles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(path => byFile.TryGetValue(path, out var found) ? Classify(path, found) : new FileClassification(path, SensitivityLevel.Public, null, new Dictionary<string, int>(), new Dictionary<string, IReadOnlyList<string>>()))
            .ToList();
    }

    private static FileClassification Classify(string path, List<Finding> findings)
    {
        var deciding = findings.OrderByDescending(f => LevelOf(f.EntityType)).ThenByDescending(f => f.Severity).First();
        var entities = findings.GroupBy(f => f.EntityType, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var columns = findings
            .Select(f => (Column: ColumnOf(f.Location.Place), f.EntityType))
            .Where(c => c.Column is not null)
            .GroupBy(c => c.Column!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(c => c.EntityType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        return new FileClassification(path, LevelOf(deciding.EntityType), deciding.RuleId, entities, columns);
    }

    /// <summary>"row 3, column email" → "email"; "Sheet1!C12" → "Sheet1!C"; other places are not columns.</summary>
    internal static string? ColumnOf(string? place)
    {
        if (place is null) return null;
        var marker = place.IndexOf(", column ", StringComparison.Ordinal);
        if (place.StartsWith("row ", StringComparison.Ordinal) && marker > 0) return place[(marker + ", column ".Length)..];
        var bang = place.LastIndexOf('!');
        return bang > 0 && bang + 1 < place.Length && char.IsAsciiLetterUpper(place[bang + 1]) ? place.TrimEnd("0123456789".ToCharArray()) : null;
    }
}
