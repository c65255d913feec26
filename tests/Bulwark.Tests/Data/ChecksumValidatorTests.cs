using Bulwark.Text;

namespace Bulwark.Tests.Data;

public class ChecksumValidatorTests
{
    // Values computed for these tests with independent implementations of each algorithm; each invalid value
    // differs from a valid one by its check digit or letter.
    [Theory]
    [InlineData("iban", "DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 01")]
    [InlineData("aadhaar-verhoeff", "4973 1852 0641", "4973 1852 0642")]
    [InlineData("de-tax-id", "86095742719", "86095742718")]
    [InlineData("us-ssn", "536-90-4178", "666-90-4178")]
    [InlineData("uk-nhs", "943 476 5919", "943 476 5918")]
    [InlineData("uk-nino", "AB123456C", "QQ123456C")]
    [InlineData("es-nif", "48210936S", "48210936T")]
    [InlineData("es-nie", "X1234567L", "X1234567M")]
    [InlineData("it-fiscal-code", "RSSMRA85T10A562S", "RSSMRA85T10A562T")]
    [InlineData("it-vat", "07623750960", "07623750961")]
    [InlineData("pl-pesel", "90051412343", "90051412344")]
    [InlineData("pl-nip", "5261040834", "5261040835")]
    [InlineData("fi-hetu", "131052-308T", "131052-308U")]
    [InlineData("sg-nric", "S1234567D", "S1234567E")]
    [InlineData("au-abn", "98 765 432 122", "98 765 432 123")]
    [InlineData("au-acn", "004 000 006", "004 000 007")]
    [InlineData("au-tfn", "876 543 210", "876 543 211")]
    [InlineData("au-medicare", "2950381261", "2950381271")]
    [InlineData("fr-nir", "185057800604830", "185057800604831")]
    [InlineData("nl-bsn", "345678904", "345678905")]
    [InlineData("se-personnummer", "811218-9876", "811218-9877")]
    [InlineData("ca-sin", "130 714 181", "130 714 182")]
    [InlineData("us-npi", "1987654328", "1987654327")]
    [InlineData("us-dea", "AB1234563", "AB1234564")]
    [InlineData("br-cpf", "529.982.247-25", "529.982.247-26")]
    [InlineData("br-cnpj", "11.222.333/0001-81", "11.222.333/0001-82")]
    [InlineData("base58check", "1AQdLMuNk2gQXCyhnR5qRBKLmi8uz5gRie", "1AQdLMuNk2gQXCyhnR5qRBKLmi8uz5gRiE")]
    [InlineData("bech32", "bc1qmzqwslahccg056zgt3ljur0e33mfyd5hrgyl9y", "bc1qmzqwslahccg056zgt3ljur0e33mfyd5hrgyl9q")]
    [InlineData("luhn-short", "046454872", "046454873")]
    [InlineData("calendar-date", "29/02/2024", "29/02/2023")]
    [InlineData("calendar-date", "2024-08-26T19:15:21Z", "2023-02-29T19:15:21Z")]
    [InlineData("ip-address", "203.0.113.77", "0.0.0.0")]
    [InlineData("phone-number", "+44 20 7946 0958", "+44 20 7946")]
    public void Validator_accepts_a_valid_value_and_rejects_its_near_miss(string validator, string valid, string invalid)
    {
        Assert.True(ValueValidators.TryGet(validator, out var check), $"unknown validator {validator}");
        Assert.True(check(valid), $"{validator} rejected {valid}");
        Assert.False(check(invalid), $"{validator} accepted {invalid}");
    }

    [Fact]
    public void Bech32m_taproot_addresses_pass()
    {
        Assert.True(ChecksumValidators.Bech32("bc1pzv4akz05f225zj09n5v6c35ukwv4m80z0lutyfn7xthq2wrz6j8qv022jt"));
    }
}
