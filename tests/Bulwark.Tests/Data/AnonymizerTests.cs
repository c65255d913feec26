using System.Text;
using Bulwark.Data.Anonymization;
using Bulwark.Kernel;

namespace Bulwark.Tests.Data;

public class AnonymizerTests
{
    private static readonly AnonymizationKey Key = AnonymizationKey.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string[] Types = ["PERSON", "EMAIL_ADDRESS", "CREDIT_CARD", "SECRET"];

    /// <summary>A random text with random non-overlapping entity spans; values always hold a letter outside hex and a digit.</summary>
    private static (string Text, List<EntitySpan> Spans, List<string> Values) RandomDocument(Random random)
    {
        var text = new StringBuilder();
        var spans = new List<EntitySpan>();
        var values = new List<string>();
        var pool = new List<string>();
        for (var i = 0; i < random.Next(1, 12); i++)
        {
            text.Append(Filler(random));
            var value = pool.Count > 0 && random.Next(3) == 0 ? pool[random.Next(pool.Count)] : Value(random);
            pool.Add(value);
            spans.Add(new EntitySpan(Types[random.Next(Types.Length)], text.Length, value.Length));
            values.Add(value);
            text.Append(value);
        }
        text.Append(Filler(random));
        return (text.ToString(), spans, values);
    }

    private static string Filler(Random random) => new[] { " and ", ", call ", "\nNote: ", " <x> ", " enc:v1: ", " é " }[random.Next(6)];

    private static string Value(Random random)
    {
        const string alphabet = "ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ0123456789@.-_ ";
        var length = random.Next(8, 30);
        var chars = Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray();
        chars[0] = 'Q';
        chars[^1] = (char)('0' + random.Next(10));
        return new string(chars);
    }

    [Theory]
    [InlineData("encrypt")]
    [InlineData("pseudonymize")]
    public void Anonymise_then_restore_returns_the_original(string operatorName)
    {
        var random = new Random(operatorName.Length);
        for (var round = 0; round < 300; round++)
        {
            var (text, spans, _) = RandomDocument(random);
            var anonymizer = new Anonymizer(AnonymizationPolicy.All(operatorName), Key);
            var anonymized = anonymizer.Anonymize(text, spans);
            Assert.Equal(text, anonymizer.Restore(anonymized.Text));
        }
    }

    [Theory]
    [InlineData("replace")]
    [InlineData("redact")]
    [InlineData("mask")]
    [InlineData("hash")]
    [InlineData("encrypt")]
    [InlineData("pseudonymize")]
    public void No_operator_ever_emits_the_original_value(string operatorName)
    {
        var random = new Random(42 + operatorName.Length);
        for (var round = 0; round < 300; round++)
        {
            var (text, spans, values) = RandomDocument(random);
            var anonymized = new Anonymizer(AnonymizationPolicy.All(operatorName), Key).Anonymize(text, spans);
            foreach (var value in values) Assert.DoesNotContain(value, anonymized.Text, StringComparison.Ordinal);
            Assert.Equal(spans.Count, anonymized.Items.Count);
        }
    }

    [Fact]
    public void The_pseudonymiser_is_consistent_within_a_scope_and_distinct_across_values()
    {
        var anonymizer = new Anonymizer(AnonymizationPolicy.All("pseudonymize"), Key);
        const string text = "Ann met Bob; Bob met Ann.";
        var spans = new[] { new EntitySpan("PERSON", 0, 3), new EntitySpan("PERSON", 8, 3), new EntitySpan("PERSON", 13, 3), new EntitySpan("PERSON", 21, 3) };
        Assert.Equal("<PERSON_1> met <PERSON_2>; <PERSON_2> met <PERSON_1>.", anonymizer.Anonymize(text, spans).Text);
        // The same vault keeps the numbering in a later text of the same scope.
        Assert.Equal("<PERSON_2> again", anonymizer.Anonymize("Bob again", [new EntitySpan("PERSON", 0, 3)]).Text);
    }

    [Fact]
    public void Hashes_are_keyed_stable_and_differ_between_keys()
    {
        var spans = new[] { new EntitySpan("US_SSN", 4, 11) };
        const string text = "ssn 078-05-1120";
        var first = new Anonymizer(AnonymizationPolicy.All("hash"), Key).Anonymize(text, spans).Text;
        var again = new Anonymizer(AnonymizationPolicy.All("hash"), Key).Anonymize(text, spans).Text;
        var other = new Anonymizer(AnonymizationPolicy.All("hash"), AnonymizationKey.Generate()).Anonymize(text, spans).Text;
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Matches("^ssn <US_SSN:hmac:[0-9a-f]{16}>$", first);
    }

    [Fact]
    public void Masking_keeps_the_last_digits_and_the_separators()
    {
        var policy = AnonymizationPolicy.Parse("entities:\n  CREDIT_CARD: { operator: mask, keep-last: 4, char: '#' }\n", "p.yaml");
        var text = new Anonymizer(policy).Anonymize("card 4111-1111-1111-1234 ok", [new EntitySpan("CREDIT_CARD", 5, 19)]).Text;
        Assert.Equal("card ####-####-####-1234 ok", text);
        Assert.Equal("<EMAIL_ADDRESS>", new Anonymizer(policy).Anonymize("a@b.example", [new EntitySpan("EMAIL_ADDRESS", 0, 11)]).Text);
    }

    [Fact]
    public void A_tampered_or_foreign_token_is_left_as_it_is()
    {
        var anonymizer = new Anonymizer(AnonymizationPolicy.All("encrypt"), Key);
        var token = anonymizer.Anonymize("QsecretValue1", [new EntitySpan("SECRET", 0, 13)]).Text;
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
        Assert.Equal(tampered, anonymizer.Restore(tampered));
        Assert.Equal(token, new Anonymizer(AnonymizationPolicy.All("encrypt"), AnonymizationKey.Generate()).Restore(token));
        Assert.Equal("QsecretValue1", anonymizer.Restore(token));
    }

    [Fact]
    public void The_vault_is_encrypted_at_rest_and_opens_only_with_its_key()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("vault.bin");
        var vault = new PseudonymVault();
        var placeholder = vault.PlaceholderFor("EMAIL_ADDRESS", "ann.lee@contoso.example");
        vault.Save(path, Key);
        Assert.DoesNotContain("contoso", Encoding.UTF8.GetString(File.ReadAllBytes(path)), StringComparison.Ordinal);

        var reopened = PseudonymVault.Open(path, Key);
        Assert.True(reopened.TryGetOriginal(placeholder, out var original));
        Assert.Equal("ann.lee@contoso.example", original);
        Assert.Equal("<EMAIL_ADDRESS_2>", reopened.PlaceholderFor("EMAIL_ADDRESS", "bo@contoso.example"));

        var wrongKey = Assert.Throws<BulwarkInputException>(() => PseudonymVault.Open(path, AnonymizationKey.Generate()));
        Assert.Contains("does not open with this key", wrongKey.Message, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<BulwarkInputException>(() => PseudonymVault.Open(path, Key));
    }

    [Theory]
    [InlineData("default: { operator: shred }", "unknown operator 'shred'")]
    [InlineData("entities:\n  PERSON: { operator: hash, keep-last: 2 }", "apply to the mask operator only")]
    [InlineData("entities:\n  PERSON: { operator: mask, char: '##' }", "'char' must be a single character")]
    [InlineData("entities: [", "p.yaml:")]
    public void A_bad_policy_is_refused_clearly(string yaml, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => AnonymizationPolicy.Parse(yaml, "p.yaml"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keyed_operators_need_a_key()
    {
        var error = Assert.Throws<BulwarkInputException>(() => new Anonymizer(AnonymizationPolicy.All("hash")));
        Assert.Contains("--key-file", error.Message, StringComparison.Ordinal);
        Assert.Throws<BulwarkInputException>(() => AnonymizationKey.FromBytes(new byte[16]));
    }
}
