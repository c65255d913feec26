using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Bulwark.Kernel;

namespace Bulwark.Data.Pii;

/// <summary>
/// A test a digit-pattern rule's window must pass before its regex runs, for patterns whose costly regex almost
/// never matches on source code: a month name for dates in words, a birth cue for dates of birth, and for street
/// addresses the characters either side of the digit run. Each cue is a necessary condition of one exact pattern
/// (the rule id and the SHA-256 of its pattern): a cue never drops a window in which
/// the regex could find a match overlapping the run, so findings are the same with or without it.
/// </summary>
internal abstract class WindowCue(string ruleId, string patternSha256)
{
    public string RuleId { get; } = ruleId;

    public string PatternSha256 { get; } = patternSha256;

    /// <summary>Whether the regex may match, in [<paramref name="from"/>, <paramref name="to"/>), a value that
    /// overlaps the digit run [<paramref name="runStart"/>, <paramref name="runEnd"/>).</summary>
    public abstract bool MayMatch(string text, int runStart, int runEnd, int from, int to);

    /// <summary>The cue for the rule's pattern (already known to be the one it was written for): most need nothing of it.</summary>
    protected virtual WindowCue Bind(string pattern) => this;

    private const string Hex = "0123456789ABCDEFabcdef";
    private const string UpperAndDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private static readonly WindowCue[] All =
    [
        // (?<![\w])(?:\d{1,2}(?:st|…)?\s+(?:of\s+)?(?i:jan(?:uary)?|…|dec(?:ember)?)\.?,?\s+(?:1[89]|20)\d\d)|(?:(?i:jan…)\.?\s+\d{1,2}…)(?![\w])
        new MonthNameCue("BW-DATA-PII-DATE-WORDS", "230b2694cab1d7d40a2276b7af21ae2e063ae6d12328036259844bce9c4d3267"),
        // (?i:dob|d\.o\.b\.|date of birth|birth ?date|birthday|born(?: on)?)\s*[:=]?\s*(?<secret>…)
        new SubstringCue("BW-DATA-PII-DATE-OF-BIRTH", "6d4d91d62281eaa883e4fb66ad2824e3dfe863b415f459a3e887f54c341eadb2", "dob", "d.o.b.", "birth", "born"),
        new AddressRunBorders("BW-DATA-PII-STREET-ADDRESS", "b50a949ec87889cbd47da942a68056a3addbf8e1b8f190169e188702b2fea8cb"),
        // Whole tokens: the same characters bound the value on both sides ((?<![\w-]) … (?![\w-])), so the value is
        // a whole token of the window: its characters and length are known.
        // (?<![\w:.-])(?<secret>XX(?<sep>[:-])XX(?:\k<sep>XX){4}|XXXX\.XXXX\.XXXX)(?![\w:.-]): 17 or 14 characters.
        new WholeTokenCue("BW-DATA-PII-MAC", "3f5be1bc927af95f410bb35587d422751d8ad7552a3f7ef2822d0ae6a6b6a51b", ":.-", Hex + ":-.", 14, 17),
        // (?<![\w:.-])(?<secret>(?:X{1,4}:){7}X{1,4}|(?:X{1,4}:){1,6}(?::X{1,4}){1,6}|(?:X{1,4}:){1,7}:(?=…))(?![\w:.-]): "1::" to 60 characters.
        new WholeTokenCue("BW-DATA-PII-IPV6", "42fdd50b78c8d81e87cb1c456a7313e7b1954596917ef9cf8c812e770f69192c", ":.-", Hex + ":", 3, 60),
        // (?<![\w-])(?<secret>[13][1-9A-HJ-NP-Za-km-z]{24,33})(?![\w-])
        new WholeTokenCue("BW-DATA-PII-CRYPTO-BTC", "83f8742679d9b9c93f70d2994392135a5d79bd5a48ac723a570cbef3c683e54a", "-", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 25, 34),
        // (?<![\w-])(?<secret>0x[0-9a-fA-F]{40})(?![\w-])
        new WholeTokenCue("BW-DATA-PII-CRYPTO-ETH", "8e1d71aee47fc88e305bb83e4904480a27313fa19679be65e77138b8d92fb60c", "-", Hex + "x", 42, 42),
        // (?<![\w-])(?<secret>(?:0[1-9]|[1-3]\d)[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z][1-9A-Z]Z[0-9A-Z])(?![\w-])
        new WholeTokenCue("BW-DATA-PII-IN-GSTIN", "185d4387a60549fb3c3b4273928af72c1f8ad31c03a8a95449b5d813fa03578c", "-", UpperAndDigits, 15, 15),
        // (?<![\w-])(?<secret>[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z])(?![\w-])
        new WholeTokenCue("BW-DATA-PII-IN-PAN", "14f3fef05fe3a167583ebe75fd9098c610903fe4db8d35611b6c45d772407a67", "-", UpperAndDigits, 10, 10),
        // (?<![\w-])(?<secret>[A-Z][AEIOUX][A-Z]{2}\d{2}(?:…)(?:…)[HMX](?:AS|…)[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z]\d)(?![\w-])
        new WholeTokenCue("BW-DATA-PII-MX-CURP", "266d38af822dd89124cf24b1bef96eeff3ca84dd6194c780496fd32bb51438ce", "-", UpperAndDigits, 18, 18),
        // (?<![\w-])(?<secret>[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z])(?![\w-])
        new WholeTokenCue("BW-DATA-PII-IT-FISCAL-CODE", "e7b37cd256fe9c7cfc98e82ddaa0c2e8cf89a82f0f8b34679378dba1e80a369d", "-", UpperAndDigits, 16, 16),
        // (?<![\w-])(?<secret>[STFGM]\d{7}[A-Z])(?![\w-])
        new WholeTokenCue("BW-DATA-PII-SG-NRIC", "92cb2cf86204559d47be7765cd08416c889b5aeea72c5c0be81f4e4aa3f41b8b", "-", UpperAndDigits, 9, 9),
        // (?<![\w-])(?<secret>\d{8}[A-Z]|(?:19|20)\d{7}[A-Z]|[ST]\d{2}[A-Z]{2}\d{4}[A-Z])(?![\w-])
        new WholeTokenCue("BW-DATA-PII-SG-UEN", "d3d4924f89871753ba41a4b13c07e25ab8f853d1fa4a2fa8dc4da393c3e87ebc", "-", UpperAndDigits, 9, 10),
        // (?<![\w-])(?<secret>[A-Z][A-Z9]\d{7})(?![\w-])
        new WholeTokenCue("BW-DATA-PII-US-DEA", "ad026bbc7334e0dc2d86b785b865345abcae280b6c60772081924b573c35cc2b", "-", UpperAndDigits, 9, 9),
        // (?<![\w-])(?<secret>[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2})(?![\w-])
        new WholeTokenCue("BW-DATA-PII-US-MBI", "cde97a18cb7bf20e7307550edb16c3201b7cb3743fb8f61e21c023f42c5b130e", "-", UpperAndDigits + "-", 11, 13),
    ];

    /// <summary>The cues by rule id (one per rule), each for the pattern it was written for.</summary>
    public static IReadOnlyList<WindowCue> Cues => All;

    public static string Sha256(string pattern) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pattern)));

    /// <summary>The cue written for this rule's exact pattern, or null.</summary>
    public static WindowCue? For(string ruleId, string pattern)
    {
        foreach (var cue in All)
        {
            if (cue.RuleId == ruleId) return cue.PatternSha256 == Sha256(pattern) ? cue.Bind(pattern) : null;
        }
        return null;
    }

    /// <summary>Regex case-insensitivity maps a few non-ASCII characters to ASCII letters (K for the Kelvin sign):
    /// a window with any non-ASCII character is left to the regex.</summary>
    protected static bool HasNonAscii(ReadOnlySpan<char> window) => window.ContainsAnyExceptInRange('\0', '\x7f');
}

/// <summary>The pattern's month alternation is a whole word: it starts after a non-word character (or the window's
/// start) and is followed by '.', ',' or white space, so some maximal letter run of the window is a month spelling.</summary>
internal sealed class MonthNameCue(string ruleId, string patternSha256) : WindowCue(ruleId, patternSha256)
{
    private static readonly WordSet Months = new(
    [
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july", "aug", "august",
        "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
    ]);

    public override bool MayMatch(string text, int runStart, int runEnd, int from, int to)
    {
        var window = text.AsSpan(from, to - from);
        if (HasNonAscii(window)) return true;
        var i = 0;
        while (i < window.Length)
        {
            var next = window[i..].IndexOfAnyInRange('A', 'z');
            if (next < 0) return false;
            var start = i + next;
            var end = start;
            while (end < window.Length && char.IsAsciiLetter(window[end])) end++;
            i = Math.Max(end, start + 1);
            if (end == start) continue; // one of [\]^_` between the cases
            var atWordStart = start == 0 || !(char.IsAsciiLetterOrDigit(window[start - 1]) || window[start - 1] == '_');
            if (atWordStart && end - start is >= 3 and <= 9 && Months.Contains(window[start..end])) return true;
        }
        return false;
    }
}

/// <summary>The pattern starts with a cue phrase (no word boundary before it): one of the phrases' common parts must
/// occur in the window, in any case.</summary>
internal sealed class SubstringCue(string ruleId, string patternSha256, params string[] parts) : WindowCue(ruleId, patternSha256)
{
    private readonly SearchValues<string> _parts = SearchValues.Create(parts, StringComparison.OrdinalIgnoreCase);

    public override bool MayMatch(string text, int runStart, int runEnd, int from, int to)
    {
        var window = text.AsSpan(from, to - from);
        return HasNonAscii(window) || window.IndexOfAny(_parts) >= 0;
    }
}

/// <summary>
/// Every branch of the street-address pattern has a space followed by a letter after its first digits, a branch
/// that starts with a word has a space or a dot after it, and a digit run holds neither (its letters are glued to
/// digits). So a match overlapping a run either starts before the run (and its glued letters), with a character
/// there that an address can hold, or starts inside the run and leaves it through a space, a tab or a comma. A run
/// between '=' and a line break ("PORT=8080", "SHA=c894f1…" in a .env file) or in "f(12)" has neither, and skips the
/// costly regex.
/// </summary>
internal sealed class AddressRunBorders(string ruleId, string patternSha256, Lazy<Regex[]>? branches = null) : WindowCue(ruleId, patternSha256)
{
    private const string Head = "(?x)(?<secret>(?:";

    // The cue is written for one exact pattern, so every detector can share its branch heads. They are compiled on
    // the first window that needs them, not when a detector is built: most scans never reach an address.
    private static Lazy<Regex[]>? _sharedBranches;

    /// <summary>The heads of the pattern's branches, each a regex of its own once bound (<see cref="Bind"/>).</summary>
    public int Branches => branches?.Value.Length ?? 0;

    public override bool MayMatch(string text, int runStart, int runEnd, int from, int to) =>
        (MayStartBefore(text, runStart, from) || MayFollowHead(runEnd < text.Length ? text[runEnd] : '\n')) && AnyBranchMatches(text, from, to, runStart, runEnd);

    /// <summary>
    /// The pattern is <c>(?x)(?&lt;secret&gt;(?:B1|B2|…|B10)</c> followed by optional unit, city and postal-code parts,
    /// so it matches in a window exactly when one of its branch heads does. The whole pattern is too large to compile
    /// well and runs interpreted, trying ten branches at every position of a 330-character window; each head alone is
    /// small, compiled, and starts with a character set the engine searches for. A match overlapping the run holds only
    /// characters an address may hold, so the heads run only on the stretch of those around the run: in a log line
    /// that is the timestamp and a word or two, not 330 characters. Cutting the window there changes no verdict: a
    /// cut falls on a character no match can hold, the pattern's lookbehinds and negative lookaheads pass at least
    /// as often at an edge, and its one positive lookahead reads only address characters.
    /// </summary>
    private bool AnyBranchMatches(string text, int from, int to, int runStart, int runEnd)
    {
        if (branches is null) return true;
        while (runStart > from && MayBeInAddress(text[runStart - 1])) runStart--;
        while (runEnd < to && MayBeInAddress(text[runEnd])) runEnd++;
        var window = text.AsSpan(runStart, runEnd - runStart);
        try
        {
            foreach (var branch in branches.Value)
            {
                if (branch.IsMatch(window)) return true;
            }
            return false;
        }
        catch (RegexMatchTimeoutException)
        {
            return true; // the whole pattern decides, under its own time limit
        }
    }

    protected override WindowCue Bind(string pattern)
    {
        Interlocked.CompareExchange(ref _sharedBranches, new Lazy<Regex[]>(() =>
            [.. TopLevelBranches(pattern).Select(b => new Regex("(?x)" + b, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.Compiled, ScanLimits.Default.RegexTimeout))]), null);
        return new AddressRunBorders(RuleId, PatternSha256, _sharedBranches);
    }

    /// <summary>The alternatives of the group that opens the pattern, split where a '|' stands outside any group and class.</summary>
    public static List<string> TopLevelBranches(string pattern)
    {
        if (!pattern.StartsWith(Head, StringComparison.Ordinal)) throw new ArgumentException("the pattern does not open with " + Head, nameof(pattern));
        var open = Head.Length - "(?:".Length;
        var close = open;
        if (!PatternSyntax.SkipGroup(pattern, ref close)) throw new ArgumentException("the pattern's opening group is not closed", nameof(pattern));
        return PatternSyntax.TopLevelAlternatives(pattern.AsSpan(Head.Length, close - 1 - Head.Length));
    }

    private static bool MayStartBefore(string text, int runStart, int from)
    {
        // Letters glued before the run ("c894" in a hash) cannot start a branch that reaches the run's digits.
        var p = runStart;
        while (p > from && char.IsAsciiLetter(text[p - 1])) p--;
        if (p == from) return true;
        return p == runStart ? MayPrecedeDigit(text[p - 1]) : MayBeInAddress(text[p - 1]);
    }

    // Inside a match a digit follows white space, a separator of the address's lines (",", ">", "|", "?", "*", "-"),
    // a unit's "#" or ".", a letter, an apostrophe or a closing bracket.
    private static bool MayPrecedeDigit(char c) => c > '\x7f' || char.IsAsciiLetterOrDigit(c) || c is ' ' or '\t' or '\n' or ',' or '>' or '|' or '?' or '*' or '-' or '#' or '.' or '\'' or ')';

    // The pattern's literal characters: no '=', ':', '/', '"', '_', brackets other than round ones, …
    private static bool MayBeInAddress(char c) => MayPrecedeDigit(c) || c is '\r' or '(' or '&';

    // After the first digits of a branch: a letter ("12B"), "-4", a comma or spaces.
    private static bool MayFollowHead(char c) => c > '\x7f' || char.IsAsciiLetterOrDigit(c) || c is ' ' or '\t' or ',' or '-';
}

/// <summary>
/// A value bounded on both sides by the same characters (word characters and <c>boundary</c>) is a whole token of
/// the window, a maximal stretch of those characters: it needs a token overlapping the run with the value's length
/// made only of the value's characters. Hashes, UUIDs, versions and identifiers fail one or the other.
/// </summary>
internal sealed class WholeTokenCue(string ruleId, string patternSha256, string boundary, string valueChars, int minLength, int maxLength)
    : WindowCue(ruleId, patternSha256)
{
    private readonly SearchValues<char> _boundary = SearchValues.Create(boundary);
    private readonly SearchValues<char> _valueChars = SearchValues.Create(valueChars);

    private bool InToken(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || _boundary.Contains(c);

    public override bool MayMatch(string text, int runStart, int runEnd, int from, int to)
    {
        var i = runStart;
        while (i < runEnd)
        {
            if (!InToken(text[i]))
            {
                i++;
                continue;
            }
            var a = i;
            while (a > from && InToken(text[a - 1])) a--;
            var b = i + 1;
            while (b < to && InToken(text[b])) b++;
            // Beside a non-ASCII character the regex may see a longer token (\w, \d are Unicode): leave it to the regex.
            if ((a > from && text[a - 1] > '\x7f') || (b < to && text[b] > '\x7f')) return true;
            if (b - a >= minLength && b - a <= maxLength && !text.AsSpan(a, b - a).ContainsAnyExcept(_valueChars)) return true;
            i = b + 1;
        }
        return false;
    }
}
