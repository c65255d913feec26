using System.Buffers.Text;
using System.Text.Json;

namespace Bulwark.Text;

/// <summary>
/// Checks that are not patterns: checksums and structure. Rules name them in their <c>validators</c> list;
/// a match is kept only if every named validator accepts the value.
/// </summary>
public static class ValueValidators
{
    private static readonly Dictionary<string, Func<string, bool>> Registry = new(StringComparer.Ordinal)
    {
        ["luhn"] = Luhn,
        ["jwt"] = Jwt,
        ["base64"] = IsBase64,
        ["not-all-digits"] = v => !v.All(char.IsAsciiDigit),
        ["not-all-letters"] = v => !v.All(char.IsAsciiLetter),
        ["mixed-case-or-digits"] = MixedCaseOrDigits,
        ["not-hex-only"] = v => !v.All(char.IsAsciiHexDigit),
        // Personal identifiers and wallets: check digits and checksums (ChecksumValidators.cs).
        ["luhn-short"] = ChecksumValidators.LuhnShort,
        ["iban"] = ChecksumValidators.Iban,
        ["aadhaar-verhoeff"] = ChecksumValidators.Aadhaar,
        ["de-tax-id"] = ChecksumValidators.DeTaxId,
        ["us-ssn"] = ChecksumValidators.UsSsn,
        ["uk-nhs"] = ChecksumValidators.UkNhs,
        ["uk-nino"] = ChecksumValidators.UkNino,
        ["es-nif"] = ChecksumValidators.EsNif,
        ["es-nie"] = ChecksumValidators.EsNie,
        ["it-fiscal-code"] = ChecksumValidators.ItFiscalCode,
        ["it-vat"] = ChecksumValidators.ItVat,
        ["pl-pesel"] = ChecksumValidators.PlPesel,
        ["pl-nip"] = ChecksumValidators.PlNip,
        ["no-fodselsnummer"] = ChecksumValidators.NoFodselsnummer,
        ["kr-rrn"] = ChecksumValidators.KrRrn,
        ["fi-hetu"] = ChecksumValidators.FiHetu,
        ["sg-nric"] = ChecksumValidators.SgNric,
        ["au-abn"] = ChecksumValidators.AuAbn,
        ["au-acn"] = ChecksumValidators.AuAcn,
        ["au-tfn"] = ChecksumValidators.AuTfn,
        ["au-medicare"] = ChecksumValidators.AuMedicare,
        ["in-pan"] = ChecksumValidators.InPan,
        ["fr-nir"] = ChecksumValidators.FrNir,
        ["nl-bsn"] = ChecksumValidators.NlBsn,
        ["se-personnummer"] = ChecksumValidators.SePersonnummer,
        ["ca-sin"] = ChecksumValidators.CaSin,
        ["us-npi"] = ChecksumValidators.UsNpi,
        ["us-dea"] = ChecksumValidators.UsDea,
        ["br-cpf"] = ChecksumValidators.BrCpf,
        ["br-cnpj"] = ChecksumValidators.BrCnpj,
        ["base58check"] = ChecksumValidators.Base58Check,
        ["bech32"] = ChecksumValidators.Bech32,
        ["ip-address"] = ChecksumValidators.IpAddress,
        ["calendar-date"] = ChecksumValidators.CalendarDate,
        ["phone-number"] = PhoneNumberValidator.IsPlausible,
    };

    public static IReadOnlyCollection<string> Names => Registry.Keys;

    public static bool TryGet(string name, out Func<string, bool> validator) => Registry.TryGetValue(name, out validator!);

    /// <summary>Luhn mod-10 over the digits of the value (separators ignored).</summary>
    public static bool Luhn(string value)
    {
        int sum = 0, digits = 0;
        var doubleIt = false;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            var c = value[i];
            if (c is ' ' or '-') continue;
            if (!char.IsAsciiDigit(c)) return false;
            var d = c - '0';
            if (doubleIt && (d *= 2) > 9) d -= 9;
            sum += d;
            digits++;
            doubleIt = !doubleIt;
        }
        return digits >= 12 && sum % 10 == 0;
    }

    /// <summary>A JSON Web Token: three base64url parts whose header decodes to a JSON object with an <c>alg</c>.</summary>
    public static bool Jwt(string value)
    {
        var parts = value.Split('.');
        if (parts.Length is not (3 or 5)) return false;
        try
        {
            var header = Base64Url.DecodeFromChars(parts[0]);
            using var document = JsonDocument.Parse(header);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("alg", out _);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }

    public static bool IsBase64(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length > 0 && (Base64.IsValid(trimmed) || Base64Url.IsValid(trimmed));
    }

    /// <summary>Random keys mix upper case, lower case and digits; identifiers and words rarely do all three.</summary>
    public static bool MixedCaseOrDigits(string value)
    {
        bool upper = false, lower = false, digit = false;
        foreach (var c in value)
        {
            upper |= char.IsAsciiLetterUpper(c);
            lower |= char.IsAsciiLetterLower(c);
            digit |= char.IsAsciiDigit(c);
        }
        return digit ? upper || lower : upper && lower;
    }

    internal static string Describe() => string.Join(", ", Registry.Keys.Order(StringComparer.Ordinal));
}
