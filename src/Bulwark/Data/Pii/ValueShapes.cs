using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Data.Pii;

/// <summary>
/// What the value of a digit-pattern rule is made of, so a digit run whose surroundings cannot hold it is dropped
/// before the regex runs (on source code most digit runs are hashes, versions, timestamps and UUIDs). A shape
/// says which characters the whole match may contain, how short it can be, and which characters it must hold
/// one of. The match is one contiguous stretch of those characters overlapping the run, so if no such stretch
/// is long enough or holds a required character, the regex cannot report anything for the run.
/// </summary>
/// <remarks>
/// Each shape is written for one exact pattern (the rule id and the SHA-256 of its pattern): a rule whose pattern
/// changed, or a user rule, runs without a shape, as before. Only patterns whose match is the value itself
/// (lookarounds on either side, no context prefix) have shapes. A test checks that every shape still names a
/// rule of the embedded packs.
/// </remarks>
internal sealed class ValueShape
{
    private readonly SearchValues<char> _chars;
    private readonly bool _unicodeDigits;
    private readonly bool _whitespace;
    private readonly SearchValues<char>? _required;

    private ValueShape(string ruleId, string patternSha256, string chars, bool unicodeDigits, bool whitespace, int minLength, string? required)
    {
        RuleId = ruleId;
        PatternSha256 = patternSha256;
        _chars = SearchValues.Create(chars);
        _unicodeDigits = unicodeDigits;
        _whitespace = whitespace;
        MinLength = minLength;
        _required = required is null ? null : SearchValues.Create(required);
    }

    public string RuleId { get; }

    public string PatternSha256 { get; }

    public int MinLength { get; }

    private bool Allows(char c) => _chars.Contains(c) || (_unicodeDigits && char.IsDigit(c)) || (_whitespace && char.IsWhiteSpace(c));

    /// <summary>
    /// Whether a stretch of allowed characters that overlaps [<paramref name="start"/>, <paramref name="end"/>)
    /// and lies within [<paramref name="lowest"/>, <paramref name="highest"/>) (the regex's window) is long enough
    /// and holds a required character.
    /// </summary>
    public bool MayMatch(ReadOnlySpan<char> text, int start, int end, int lowest, int highest)
    {
        var i = start;
        while (i < end)
        {
            if (!Allows(text[i]))
            {
                i++;
                continue;
            }
            var a = i;
            while (a > lowest && Allows(text[a - 1])) a--;
            var b = i + 1;
            while (b < highest && Allows(text[b])) b++;
            if (b - a >= MinLength && (_required is null || text[a..b].ContainsAny(_required))) return true;
            i = b + 1;
        }
        return false;
    }

    private const string Hex = "0123456789ABCDEFabcdef";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string AsciiDigits = "0123456789";

    private static readonly ValueShape[] All =
    [
        // (?<secret>(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|...|(?:[0-9A-Fa-f]{1,4}:){1,7}:...): hex and colons, "1::" at least.
        new("BW-DATA-PII-IPV6", "42fdd50b78c8d81e87cb1c456a7313e7b1954596917ef9cf8c812e770f69192c", Hex + ":", false, false, 3, ":"),
        // six hex pairs joined by : or -, or three hex quads joined by dots.
        new("BW-DATA-PII-MAC", "3f5be1bc927af95f410bb35587d422751d8ad7552a3f7ef2822d0ae6a6b6a51b", Hex + ":-.", false, false, 14, ":-."),
        // four numbers of \d joined by dots.
        new("BW-DATA-PII-IPV4", "19a9bb96d016a4f60c4fde822ccbdfe50ed6f916bb4e457af865ef58e61baa31", ".", true, false, 7, "."),
        // [13][1-9A-HJ-NP-Za-km-z]{24,33}
        new("BW-DATA-PII-CRYPTO-BTC", "83f8742679d9b9c93f70d2994392135a5d79bd5a48ac723a570cbef3c683e54a", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", false, false, 25, null),
        // 0x[0-9a-fA-F]{40}
        new("BW-DATA-PII-CRYPTO-ETH", "8e1d71aee47fc88e305bb83e4904480a27313fa19679be65e77138b8d92fb60c", Hex + "x", false, false, 42, "x"),
        // [A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?
        new("BW-DATA-PII-IBAN", "cc22d7017b4da3bcf2d40b326cd087bd71b53f32ec78212249a9668e6bf5e348", Upper + AsciiDigits + " ", true, false, 12, Upper),
        // (?:0[1-9]|[1-3]\d)[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]
        new("BW-DATA-PII-IN-GSTIN", "185d4387a60549fb3c3b4273928af72c1f8ad31c03a8a95449b5d813fa03578c", Upper + AsciiDigits, true, false, 15, "Z"),
        // \d{1,2}/\d{1,2}/(?:1[89]|20)?\d\d | \d{1,2}-\d{1,2}-(?:1[89]|20)\d\d | \d{1,2}\.\d{1,2}\.(?:1[89]|20)\d\d
        new("BW-DATA-PII-DATE-NUMERIC", "1416562fa29162392dce2e235ed74917b1b478031da596581a3d7838e0f7db8c", "/-.", true, false, 6, "/-."),
        // (?:1[89]|2\d)\d\d-(?:0[1-9]|1[0-2])-(?:...)(?:[T ](?:...):[0-5]\d(?::[0-5]\d(?:\.\d{1,7})?)?(?:Z|[+-]\d\d:?\d\d)?)?
        new("BW-DATA-PII-DATE-ISO", "8ae8b7134d29c78060cc9b05595f41ceb8fef8e691cdf4acd63a6fdf3b5ab231", "-T :.Z+", true, false, 10, "-"),
        // [A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]
        new("BW-DATA-PII-IT-FISCAL-CODE", "e7b37cd256fe9c7cfc98e82ddaa0c2e8cf89a82f0f8b34679378dba1e80a369d", Upper + AsciiDigits, false, false, 16, Upper),
        // \d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-FHJ-NPR-Y]
        new("BW-DATA-PII-FI-HETU", "37c5b468f66e93e4d96680bee641effc94063646ee634d126cfb1f862ff98550", Upper + AsciiDigits + "-+", true, false, 11, null),
        // (?:AN|AP|...|WB)[ -]?\d{2}[ -]?[A-Z]{1,3}[ -]?\d{4}
        new("BW-DATA-PII-IN-VEHICLE-REGISTRATION", "2f6f56703b7002788c6282adec1cc0e8a98e80fbf4e2a5158d6b2668b1c0af25", Upper + AsciiDigits + " -", true, false, 9, Upper),
    ];

    /// <summary>The shapes by rule id (one per rule), each for the pattern it was written for.</summary>
    public static IReadOnlyList<ValueShape> Shapes => All;

    public static string Sha256(string pattern) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pattern)));

    /// <summary>The shape written for this rule's exact pattern, or null.</summary>
    public static ValueShape? For(string ruleId, string pattern)
    {
        foreach (var shape in All)
        {
            if (shape.RuleId == ruleId) return shape.PatternSha256 == Sha256(pattern) ? shape : null;
        }
        return null;
    }
}
