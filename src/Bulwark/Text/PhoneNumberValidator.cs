using PhoneNumbers;

namespace Bulwark.Text;

/// <summary>
/// Phone numbers checked with libphonenumber (Google's metadata of every numbering plan): an international number
/// must be valid for its country code; a national number must be valid in one of the regions most text comes from.
/// </summary>
public static class PhoneNumberValidator
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    // Why a fixed list: a national number has no country code, so it is tried against the numbering plans of the
    // regions whose text Bulwark most often reads; every extra region adds false positives on digit runs.
    private static readonly string[] Regions =
    [
        "US", "GB", "CA", "AU", "IN", "DE", "FR", "ES", "IT", "NL", "BE", "SE", "NO", "DK", "FI", "PL", "CZ", "HU",
        "AT", "CH", "IE", "PT", "BR", "MX", "SG", "NZ", "ZA", "IS", "EE", "GR", "CY", "SI", "HR", "IL", "JP",
    ];

    public static bool IsPlausible(string value)
    {
        var trimmed = value.Trim();
        var digits = trimmed.Count(char.IsAsciiDigit);
        if (digits is < 7 or > 15) return false;
        try
        {
            if (trimmed.StartsWith('+') || trimmed.StartsWith("00", StringComparison.Ordinal))
                return Util.IsValidNumber(Util.Parse(trimmed.StartsWith('+') ? trimmed : "+" + trimmed[2..], "ZZ"));
            foreach (var region in Regions)
            {
                var number = Util.Parse(trimmed, region);
                if (Util.IsValidNumberForRegion(number, region)) return true;
            }
            return false;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }
}
