using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Text;

/// <summary>
/// Check-digit and checksum algorithms of personal identifiers and wallet addresses. Each takes the matched value
/// (separators such as spaces, dashes, dots and slashes are ignored where the format allows them) and says whether
/// the value is well formed. Named in rule files through <see cref="ValueValidators"/>.
/// </summary>
public static class ChecksumValidators
{
    /// <summary>Digits of the value with separators dropped; null when any other character occurs.</summary>
    private static int[]? Digits(string value)
    {
        var digits = new List<int>(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c)) digits.Add(c - '0');
            else if (c is not (' ' or '-' or '.' or '/')) return null;
        }
        return [.. digits];
    }

    private static string Compact(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is not (' ' or '-' or '.' or '/')) sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }

    private static int WeightedSum(ReadOnlySpan<int> digits, ReadOnlySpan<int> weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++) sum += digits[i] * weights[i];
        return sum;
    }

    /// <summary>Luhn mod 10 over any number of digits (at least 8); the stock <c>luhn</c> wants 12 or more.</summary>
    public static bool LuhnShort(string value)
    {
        var d = Digits(value);
        return d is { Length: >= 8 } && LuhnOk(d);
    }

    private static bool LuhnOk(ReadOnlySpan<int> digits)
    {
        var sum = 0;
        for (int i = digits.Length - 1, k = 0; i >= 0; i--, k++)
        {
            var x = digits[i];
            if (k % 2 == 1 && (x *= 2) > 9) x -= 9;
            sum += x;
        }
        return sum % 10 == 0;
    }

    /// <summary>IBAN: known country length, then ISO 7064 mod 97-10 over the rearranged value equals 1.</summary>
    public static bool Iban(string value)
    {
        var v = Compact(value);
        if (v.Length is < 15 or > 34 || !char.IsAsciiLetter(v[0]) || !char.IsAsciiLetter(v[1]) || !char.IsAsciiDigit(v[2]) || !char.IsAsciiDigit(v[3])) return false;
        if (IbanLengths.TryGetValue(v[..2], out var length) && length != v.Length) return false;
        var remainder = 0;
        foreach (var c in v[4..] + v[..4])
        {
            if (char.IsAsciiDigit(c)) remainder = (remainder * 10 + (c - '0')) % 97;
            else if (char.IsAsciiLetterUpper(c)) remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            else return false;
        }
        return remainder == 1;
    }

    // Why a table: a wrong length with a lucky mod-97 is a common false positive on long digit strings.
    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AT"] = 20, ["BE"] = 16, ["BG"] = 22, ["CH"] = 21, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18,
        ["EE"] = 20, ["ES"] = 24, ["FI"] = 18, ["FR"] = 27, ["GB"] = 22, ["GR"] = 27, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22,
        ["IS"] = 26, ["IT"] = 27, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["MC"] = 27, ["MT"] = 31, ["NL"] = 18,
        ["NO"] = 15, ["PL"] = 28, ["PT"] = 25, ["RO"] = 24, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["TR"] = 26,
        ["AE"] = 23, ["SA"] = 24, ["IL"] = 23, ["BR"] = 29, ["QA"] = 29, ["KW"] = 30, ["JO"] = 30, ["UA"] = 29,
    };

    private static readonly int[,] VerhoeffD =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 }, { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
        { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 }, { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
        { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 }, { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
        { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
    };

    private static readonly int[,] VerhoeffP =
    {
        { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 }, { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
        { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 }, { 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
        { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
    };

    /// <summary>Verhoeff dihedral check digit (India's Aadhaar; 12 digits, not starting with 0 or 1).</summary>
    public static bool Aadhaar(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 12 } || d[0] < 2) return false;
        var c = 0;
        for (var i = 0; i < d.Length; i++) c = VerhoeffD[c, VerhoeffP[i % 8, d[d.Length - 1 - i]]];
        return c == 0;
    }

    /// <summary>German Steuer-ID: 11 digits, first not 0, ISO 7064 MOD 11,10 check digit.</summary>
    public static bool DeTaxId(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 11 } || d[0] == 0) return false;
        var product = 10;
        for (var i = 0; i < 10; i++)
        {
            var sum = (d[i] + product) % 10;
            if (sum == 0) sum = 10;
            product = sum * 2 % 11;
        }
        var check = 11 - product;
        return (check == 10 ? 0 : check) == d[10];
    }

    /// <summary>US SSN: area not 000, 666 or 900-999; group not 00; serial not 0000.</summary>
    public static bool UsSsn(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 9 }) return false;
        var area = d[0] * 100 + d[1] * 10 + d[2];
        return area is not (0 or 666) && area < 900 && (d[3] | d[4]) != 0 && (d[5] | d[6] | d[7] | d[8]) != 0;
    }

    /// <summary>UK NHS number: 10 digits, weights 10..2, mod 11 check digit (10 is never issued).</summary>
    public static bool UkNhs(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 10 }) return false;
        var check = 11 - WeightedSum(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
        if (check == 11) check = 0;
        return check != 10 && check == d[9];
    }

    /// <summary>UK National Insurance number prefix rules (D, F, I, Q, U, V never; O not second; some pairs unused).</summary>
    public static bool UkNino(string value)
    {
        var v = Compact(value);
        if (v.Length is < 8 or > 9 || !char.IsAsciiLetter(v[0]) || !char.IsAsciiLetter(v[1])) return false;
        if ("DFIQUV".Contains(v[0], StringComparison.Ordinal) || "DFIOQUV".Contains(v[1], StringComparison.Ordinal)) return false;
        return v[..2] is not ("BG" or "GB" or "KN" or "NK" or "NT" or "TN" or "ZZ");
    }

    private const string DniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";

    /// <summary>Spanish DNI/NIF: 8 digits and the letter of the number mod 23.</summary>
    public static bool EsNif(string value)
    {
        var v = Compact(value);
        return v.Length == 9 && int.TryParse(v.AsSpan(0, 8), out var n) && v[8] == DniLetters[n % 23];
    }

    /// <summary>Spanish NIE: X, Y or Z (read as 0, 1, 2), 7 digits and the DNI letter.</summary>
    public static bool EsNie(string value)
    {
        var v = Compact(value);
        if (v.Length != 9 || v[0] is not ('X' or 'Y' or 'Z')) return false;
        return int.TryParse((char)('0' + (v[0] - 'X')) + v.Substring(1, 7), out var n) && v[8] == DniLetters[n % 23];
    }

    private static readonly int[] FiscalOdd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

    /// <summary>Italian codice fiscale: 16 characters, the last a check letter from odd/even position tables.</summary>
    public static bool ItFiscalCode(string value)
    {
        var v = Compact(value);
        if (v.Length != 16) return false;
        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var c = v[i];
            int index = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' : -1;
            if (index < 0) return false;
            sum += i % 2 == 0 ? FiscalOdd[index] : index;
        }
        return v[15] == (char)('A' + sum % 26);
    }

    /// <summary>Italian partita IVA: 11 digits with a Luhn check digit.</summary>
    public static bool ItVat(string value)
    {
        var d = Digits(value.StartsWith("IT", StringComparison.OrdinalIgnoreCase) ? value[2..] : value);
        return d is { Length: 11 } && LuhnOk(d);
    }

    /// <summary>Polish PESEL: 11 digits, weights 1,3,7,9 repeating, and a valid month code.</summary>
    public static bool PlPesel(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 11 }) return false;
        var month = (d[2] * 10 + d[3]) % 20;
        if (month is < 1 or > 12) return false;
        var check = (10 - WeightedSum(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10) % 10;
        return check == d[10];
    }

    private const string HetuChecks = "0123456789ABCDEFHJKLMNPRSTUVWXY";

    /// <summary>Finnish henkilötunnus DDMMYYCZZZQ: the control character is the 9-digit number mod 31.</summary>
    public static bool FiHetu(string value)
    {
        var v = value.Trim().ToUpperInvariant();
        if (v.Length != 11 || !"+-ABCDEFUVWXY".Contains(v[6], StringComparison.Ordinal)) return false;
        if (!int.TryParse(string.Concat(v.AsSpan(0, 6), v.AsSpan(7, 3)), out var n)) return false;
        var day = n / 10_000_000;
        var month = n / 100_000 % 100;
        return day is >= 1 and <= 31 && month is >= 1 and <= 12 && v[10] == HetuChecks[n % 31];
    }

    /// <summary>Singapore NRIC/FIN: weights 2,7,6,5,4,3,2 plus a series offset, then the series' letter table.</summary>
    public static bool SgNric(string value)
    {
        var v = Compact(value);
        if (v.Length != 9 || !"STFGM".Contains(v[0], StringComparison.Ordinal)) return false;
        var d = Digits(v[1..8]);
        if (d is not { Length: 7 }) return false;
        var sum = WeightedSum(d, [2, 7, 6, 5, 4, 3, 2]) + v[0] switch { 'T' or 'G' => 4, 'M' => 3, _ => 0 };
        var table = v[0] switch { 'S' or 'T' => "JZIHGFEDCBA", 'F' or 'G' => "XWUTRQPNMLK", _ => "XWUTRQPNJLK" };
        var index = v[0] == 'M' ? 10 - sum % 11 : sum % 11;
        return v[8] == table[index];
    }

    /// <summary>Australian Business Number: subtract 1 from the first digit, weights 10,1,3,...,19, mod 89.</summary>
    public static bool AuAbn(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 11 } || d[0] == 0) return false;
        d[0] -= 1;
        return WeightedSum(d, [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]) % 89 == 0;
    }

    /// <summary>Australian Company Number: weights 8..1, check digit is the complement of the sum mod 10.</summary>
    public static bool AuAcn(string value)
    {
        var d = Digits(value);
        return d is { Length: 9 } && (10 - WeightedSum(d, [8, 7, 6, 5, 4, 3, 2, 1]) % 10) % 10 == d[8];
    }

    /// <summary>Australian Tax File Number: 9 digits, weights 1,4,3,7,5,8,6,9,10, mod 11.</summary>
    public static bool AuTfn(string value)
    {
        var d = Digits(value);
        return d is { Length: 9 } && WeightedSum(d, [1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 == 0;
    }

    /// <summary>Australian Medicare card: first digit 2-6, ninth digit is weights 1,3,7,9,1,3,7,9 mod 10.</summary>
    public static bool AuMedicare(string value)
    {
        var d = Digits(value);
        return d is { Length: 10 or 11 } && d[0] is >= 2 and <= 6 && WeightedSum(d, [1, 3, 7, 9, 1, 3, 7, 9]) % 10 == d[8];
    }

    /// <summary>Indian PAN: AAAAA9999A with the fourth letter a holder type (P person, C company, ...).</summary>
    public static bool InPan(string value)
    {
        var v = value.Trim().ToUpperInvariant();
        return v.Length == 10 && "ABCFGHJLPT".Contains(v[3], StringComparison.Ordinal);
    }

    /// <summary>French NIR (INSEE): 13 digits (2A/2B for Corsica) and a key of 97 minus the number mod 97.</summary>
    public static bool FrNir(string value)
    {
        var v = Compact(value);
        if (v.Length != 15 || v[0] is not ('1' or '2' or '3' or '4' or '7' or '8')) return false;
        var body = v[..13];
        long correction = 0;
        if (body[5] == 'A') (body, correction) = (body[..5] + "0" + body[6..], 1_000_000);
        else if (body[5] == 'B') (body, correction) = (body[..5] + "0" + body[6..], 2_000_000);
        if (!long.TryParse(body, out var number) || !int.TryParse(v.AsSpan(13), out var key)) return false;
        var month = number / 10_000_000_000 % 100;
        if (month is not ((>= 1 and <= 12) or 20 or (>= 30 and <= 42) or (>= 50 and <= 99))) return false;
        return key == 97 - (number - correction) % 97;
    }

    /// <summary>Dutch BSN: 9 digits, the elfproef (weights 9..2 and -1, sum divisible by 11).</summary>
    public static bool NlBsn(string value)
    {
        var d = Digits(value);
        return d is { Length: 9 } && d.Any(x => x != 0) && (WeightedSum(d, [9, 8, 7, 6, 5, 4, 3, 2]) - d[8]) % 11 == 0;
    }

    /// <summary>Swedish personnummer: YYMMDD-NNNC (or with century), Luhn over the last ten digits, a real month.</summary>
    public static bool SePersonnummer(string value)
    {
        var d = Digits(value.Replace('+', '-'));
        if (d is not { Length: 10 or 12 }) return false;
        var ten = d.AsSpan(d.Length - 10);
        var month = ten[2] * 10 + ten[3];
        var day = (ten[4] * 10 + ten[5]) % 60; // samordningsnummer add 60 to the day
        return month is >= 1 and <= 12 && day is >= 1 and <= 31 && LuhnOk(ten);
    }

    /// <summary>Canadian Social Insurance Number: 9 digits, Luhn, not starting with 0 or 8.</summary>
    public static bool CaSin(string value)
    {
        var d = Digits(value);
        return d is { Length: 9 } && d[0] is not (0 or 8) && LuhnOk(d);
    }

    /// <summary>US National Provider Identifier: Luhn over the 10 digits prefixed with 80840.</summary>
    public static bool UsNpi(string value)
    {
        var d = Digits(value);
        return d is { Length: 10 } && d[0] is 1 or 2 && LuhnOk([8, 0, 8, 4, 0, .. d]);
    }

    /// <summary>DEA registration number: two letters, 7 digits; (d1+d3+d5) + 2(d2+d4+d6) ends in d7.</summary>
    public static bool UsDea(string value)
    {
        var v = value.Trim().ToUpperInvariant();
        if (v.Length != 9 || !"ABCDEFGHJKLMPRSTUX".Contains(v[0], StringComparison.Ordinal) || !char.IsAsciiLetterUpper(v[1])) return false;
        var d = Digits(v[2..]);
        return d is { Length: 7 } && (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10 == d[6];
    }

    /// <summary>Brazilian CPF: 11 digits, two mod-11 check digits, not one repeated digit.</summary>
    public static bool BrCpf(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 11 } || d.All(x => x == d[0])) return false;
        return Mod11Check(d, 9, [10, 9, 8, 7, 6, 5, 4, 3, 2]) == d[9] && Mod11Check(d, 10, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) == d[10];
    }

    /// <summary>Brazilian CNPJ: 14 digits, two mod-11 check digits.</summary>
    public static bool BrCnpj(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 14 } || d.All(x => x == d[0])) return false;
        return Mod11Check(d, 12, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) == d[12] && Mod11Check(d, 13, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) == d[13];
    }

    private static int Mod11Check(int[] d, int count, ReadOnlySpan<int> weights)
    {
        var r = WeightedSum(d.AsSpan(0, count), weights) % 11;
        return r < 2 ? 0 : 11 - r;
    }

    /// <summary>Polish NIP (tax number): 10 digits, weights 6,5,7,2,3,4,5,6,7, mod 11 check digit.</summary>
    public static bool PlNip(string value)
    {
        var d = Digits(value);
        return d is { Length: 10 } && WeightedSum(d, [6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11 == d[9];
    }

    /// <summary>Norwegian fødselsnummer: 11 digits, a real day and month, two mod-11 check digits.</summary>
    public static bool NoFodselsnummer(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 11 }) return false;
        var day = (d[0] * 10 + d[1]) % 40; // D-numbers add 40 to the day
        var month = (d[2] * 10 + d[3]) % 40; // H-numbers add 40 to the month
        if (day is < 1 or > 31 || month is < 1 or > 12) return false;
        var k1 = 11 - WeightedSum(d, [3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11;
        if (k1 == 11) k1 = 0;
        var k2 = 11 - WeightedSum(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11;
        if (k2 == 11) k2 = 0;
        return k1 == d[9] && k2 == d[10];
    }

    /// <summary>South Korean resident registration number: YYMMDD-SNNNNNC, weights 2-9,2-5 and a mod-11 check digit.</summary>
    public static bool KrRrn(string value)
    {
        var d = Digits(value);
        if (d is not { Length: 13 } || d[6] > 8) return false;
        var month = d[2] * 10 + d[3];
        var day = d[4] * 10 + d[5];
        return month is >= 1 and <= 12 && day is >= 1 and <= 31 && (11 - WeightedSum(d, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]) % 11) % 10 == d[12];
    }

    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>Base58Check (Bitcoin P2PKH/P2SH): 25 bytes whose last four are the double SHA-256 of the first 21.</summary>
    public static bool Base58Check(string value)
    {
        var v = value.Trim();
        if (v.Length is < 25 or > 35) return false;
        BigInteger n = 0;
        foreach (var c in v)
        {
            var digit = Base58Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0) return false;
            n = n * 58 + digit;
        }
        var body = n.ToByteArray(isUnsigned: true, isBigEndian: true);
        var leadingZeros = v.TakeWhile(c => c == '1').Count();
        var bytes = new byte[leadingZeros + body.Length];
        body.CopyTo(bytes, leadingZeros);
        if (bytes.Length != 25) return false;
        var hash = SHA256.HashData(SHA256.HashData(bytes.AsSpan(0, 21)));
        return hash.AsSpan(0, 4).SequenceEqual(bytes.AsSpan(21, 4));
    }

    private const string Bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    /// <summary>Bech32 / Bech32m (BIP-173 / BIP-350) segwit address: one case, the polymod checksum.</summary>
    public static bool Bech32(string value)
    {
        var v = value.Trim();
        if (v.Length is < 14 or > 90 || (v.Any(char.IsAsciiLetterUpper) && v.Any(char.IsAsciiLetterLower))) return false;
        v = v.ToLowerInvariant();
        var separator = v.LastIndexOf('1');
        if (separator < 1 || separator + 7 > v.Length) return false;
        var values = new List<int>();
        foreach (var c in v[..separator]) values.Add(c >> 5);
        values.Add(0);
        foreach (var c in v[..separator]) values.Add(c & 31);
        foreach (var c in v[(separator + 1)..])
        {
            var d = Bech32Charset.IndexOf(c, StringComparison.Ordinal);
            if (d < 0) return false;
            values.Add(d);
        }
        var polymod = Polymod(values);
        return polymod is 1 or 0x2bc830a3; // bech32 (witness v0) or bech32m (v1+)
    }

    private static uint Polymod(List<int> values)
    {
        ReadOnlySpan<uint> generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
        uint chk = 1;
        foreach (var v in values)
        {
            var top = chk >> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ (uint)v;
            for (var i = 0; i < 5; i++)
            {
                if (((top >> i) & 1) != 0) chk ^= generator[i];
            }
        }
        return chk;
    }

    /// <summary>IPv4 or IPv6 address that parses, and is not a version-like dotted number with a zero-padded part.
    /// Unspecified, loopback and broadcast addresses (0.0.0.0, 127.0.0.1, ::1) name no one and are not reported.</summary>
    public static bool IpAddress(string value) =>
        System.Net.IPAddress.TryParse(value, out var address) && (value.Contains(':', StringComparison.Ordinal) || value.Split('.').All(p => p.Length == 1 || p[0] != '0'))
        && !System.Net.IPAddress.IsLoopback(address) && !address.Equals(System.Net.IPAddress.Any) && !address.Equals(System.Net.IPAddress.Broadcast) && !address.Equals(System.Net.IPAddress.IPv6Any);

    /// <summary>
    /// A calendar date that exists (day-month-year or year-month-day, any of / - . as separators), whatever time of day
    /// follows it ("2024-08-26 19:15:21", "2024-08-26T19:15:21Z").
    /// </summary>
    public static bool CalendarDate(string value)
    {
        var parts = value.Split(['/', '-', '.', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || !int.TryParse(parts[0], out var a) || !int.TryParse(parts[1], out var b) || !int.TryParse(LeadingDigits(parts[2]), out var c)) return false;
        return parts[0].Length == 4 ? Exists(a, b, c) : Exists(c < 100 ? c + 1900 : c, b, a) || Exists(c < 100 ? c + 1900 : c, a, b);
    }

    /// <summary>The third part's number: its digits before a time ("26T19:15"), at most four.</summary>
    private static ReadOnlySpan<char> LeadingDigits(string part)
    {
        var digits = part.AsSpan(0, Math.Min(part.Length, 4));
        var end = digits.IndexOfAnyExceptInRange('0', '9');
        return end < 0 ? digits : digits[..end];
    }

    private static bool Exists(int year, int month, int day) =>
        year is >= 1800 and <= 2199 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
}
