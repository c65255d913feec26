using Bulwark.Data;
using Bulwark.Kernel;

namespace Bulwark.Tests.Data;

public class SensitivityClassifierTests
{
    [Theory]
    [InlineData("SECRET", SensitivityLevel.Restricted)]
    [InlineData("CREDIT_CARD", SensitivityLevel.Restricted)]
    [InlineData("IN_PAN", SensitivityLevel.Restricted)]
    [InlineData("US_SSN", SensitivityLevel.Restricted)]
    [InlineData("EMAIL_ADDRESS", SensitivityLevel.Confidential)]
    [InlineData("PERSON", SensitivityLevel.Confidential)]
    [InlineData("IP_ADDRESS", SensitivityLevel.Internal)]
    [InlineData("COMPANY_NAME", SensitivityLevel.Internal)]
    public void Entity_types_map_to_levels(string entity, SensitivityLevel expected) => Assert.Equal(expected, SensitivityClassifier.LevelOf(entity));

    private static Finding At(string path, string entity, string rule, string? place = null, Pillar pillar = Pillar.Data) => new()
    {
        RuleId = rule, RuleName = rule, Pillar = pillar, Severity = Severity.High, Confidence = Confidence.High, Message = "m",
        Location = new Location(path, 1, 1, 1, 2, 0, 1) { Place = place }, Evidence = "e", Fingerprint = "f", Tags = [], EntityType = entity,
    };

    [Fact]
    public void A_file_takes_the_level_of_its_most_sensitive_finding_and_tables_get_column_types()
    {
        var classes = SensitivityClassifier.Classify(["a.csv", "b.txt", "c.md"],
        [
            At("a.csv", "EMAIL_ADDRESS", "BW-DATA-PII-EMAIL", "row 1, column email"),
            At("a.csv", "CREDIT_CARD", "BW-DATA-PII-CREDIT-CARD", "row 2, column card"),
            At("a.csv", "EMAIL_ADDRESS", "BW-DATA-PII-EMAIL", "row 2, column email"),
            At("b.txt", "IP_ADDRESS", "BW-DATA-PII-IP"),
            At("c.md", "PROMPT_ATTACK", "BW-USAGE-OVERRIDE-IGNORE-PREVIOUS", pillar: Pillar.Usage),
        ]);
        var a = classes.Single(c => c.Path == "a.csv");
        Assert.Equal(SensitivityLevel.Restricted, a.Level);
        Assert.Equal("BW-DATA-PII-CREDIT-CARD", a.DecidedBy);
        Assert.Equal(2, a.Entities["EMAIL_ADDRESS"]);
        Assert.Equal(["EMAIL_ADDRESS"], a.Columns["email"]);
        Assert.Equal(SensitivityLevel.Internal, classes.Single(c => c.Path == "b.txt").Level);
        Assert.Equal(SensitivityLevel.Public, classes.Single(c => c.Path == "c.md").Level);
    }

    [Theory]
    [InlineData("row 3, column email", "email")]
    [InlineData("Customers!C12", "Customers!C")]
    [InlineData("paragraph 4", null)]
    [InlineData("$.users[2].email", null)]
    public void Columns_come_from_table_places(string place, string? column) => Assert.Equal(column, SensitivityClassifier.ColumnOf(place));
}
