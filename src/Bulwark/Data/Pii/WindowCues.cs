using System.Buffers;

namespace Bulwark.Data.Pii;

/// <summary>
/// A test a digit-pattern rule's window must pass before its regex runs, for patterns whose costly regex almost
/// never matches on source code: a month name for dates in words, a birth cue for dates of birth, and for street
/// addresses the characters either side of the digit run. Each cue is a necessary condition of one exact pattern
/// (the rule id and the SHA-256 of its pattern, as <see cref="ValueShape"/>): a cue never drops a window in which
/// the regex could find a match overlapping the run, so findings are the same with or without it.
/// </summary>
internal abstract class WindowCue(string ruleId, string patternSha256)
{
    public string RuleId { get; } = ruleId;

    public string PatternSha256 { get; } = patternSha256;

    /// <summary>Whether the regex may match, in [<paramref name="from"/>, <paramref name="to"/>), a value that
    /// overlaps the digit run [<paramref name="runStart"/>, <paramref name="runEnd"/>).</summary>
    public abstract bool MayMatch(string text, int runStart, int runEnd, int from, int to);

    private static readonly WindowCue[] All =
    [
        // (?<![\w])(?:\d{1,2}(?:st|…)?\s+(?:of\s+)?(?i:jan(?:uary)?|…|dec(?:ember)?)\.?,?\s+(?:1[89]|20)\d\d)|(?:(?i:jan…)\.?\s+\d{1,2}…)(?![\w])
        new MonthNameCue("BW-DATA-PII-DATE-WORDS", "230b2694cab1d7d40a2276b7af21ae2e063ae6d12328036259844bce9c4d3267"),
        // (?i:dob|d\.o\.b\.|date of birth|birth ?date|birthday|born(?: on)?)\s*[:=]?\s*(?<secret>…)
        new SubstringCue("BW-DATA-PII-DATE-OF-BIRTH", "6d4d91d62281eaa883e4fb66ad2824e3dfe863b415f459a3e887f54c341eadb2", "dob", "d.o.b.", "birth", "born"),
        new AddressRunBorders("BW-DATA-PII-STREET-ADDRESS", "b50a949ec87889cbd47da942a68056a3addbf8e1b8f190169e188702b2fea8cb"),
    ];

    /// <summary>The cues by rule id (one per rule), each for the pattern it was written for.</summary>
    public static IReadOnlyList<WindowCue> Cues => All;

    /// <summary>The cue written for this rule's exact pattern, or null.</summary>
    public static WindowCue? For(string ruleId, string pattern)
    {
        foreach (var cue in All)
        {
            if (cue.RuleId == ruleId) return cue.PatternSha256 == ValueShape.Sha256(pattern) ? cue : null;
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
internal sealed class AddressRunBorders(string ruleId, string patternSha256) : WindowCue(ruleId, patternSha256)
{
    public override bool MayMatch(string text, int runStart, int runEnd, int from, int to) =>
        MayStartBefore(text, runStart, from) || MayFollowHead(runEnd < text.Length ? text[runEnd] : '\n');

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
