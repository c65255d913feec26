using System.Buffers;
using Bulwark.Kernel;
using Bulwark.Kernel.Guards;

namespace Bulwark.Usage.Guards;

/// <summary>
/// The <c>deny-list</c> guard: words and phrases a policy forbids (competitor names, internal code words, banned
/// topics), matched case-insensitively as whole words. All entries are searched in one vectorised pass
/// (<see cref="SearchValues{T}"/> of strings), so a list of thousands costs about what one entry costs.
/// </summary>
public sealed class DenyListGuard : IGuard
{
    public const string DefaultRuleId = "BW-CUSTOM-DENY-LIST";
    public const int MaxEntries = 100_000;
    public const int MaxEntryChars = 256;

    private readonly SearchValues<string> _entries;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int[] _lengths; // distinct entry lengths, longest first
    private readonly string _ruleId;

    public DenyListGuard(IReadOnlyList<string> words, string? ruleId, string where)
    {
        var entries = words.Select(w => w.Trim()).Where(w => w.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var tooLong = entries.FirstOrDefault(e => e.Length > MaxEntryChars);
        if (tooLong is not null) throw new BulwarkInputException($"{where}: the entry '{tooLong[..40]}…' is longer than {MaxEntryChars} characters");
        if (entries.Length == 0) throw new BulwarkInputException($"{where}: 'words' needs at least one word or phrase");
        if (entries.Length > MaxEntries) throw new BulwarkInputException($"{where}: 'words' has more than {MaxEntries} entries");
        _entries = SearchValues.Create(entries, StringComparison.OrdinalIgnoreCase);
        _lookup = new HashSet<string>(entries, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _lengths = entries.Select(e => e.Length).Distinct().OrderDescending().ToArray();
        _ruleId = string.IsNullOrWhiteSpace(ruleId) ? DefaultRuleId : ruleId.Trim();
    }

    public string Name => "deny-list";

    public IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken)
    {
        var hits = new List<GuardHit>();
        var at = 0;
        while (at < text.Length)
        {
            var found = text.AsSpan(at).IndexOfAny(_entries);
            if (found < 0) break;
            var start = at + found;
            var length = LongestWholeEntryAt(text, start);
            if (length > 0)
            {
                hits.Add(new GuardHit(Name, _ruleId, 1f, start, length, $"contains the denied term '{text.Substring(start, length)}'"));
                at = start + length;
            }
            else
            {
                at = start + 1;
            }
        }
        return hits;
    }

    /// <summary>
    /// The longest entry that starts here and ends on a word boundary ("acme corp" over "acme", so a redaction covers
    /// the whole phrase), or 0. SearchValues says where some entry starts, not which: the entry set answers that.
    /// </summary>
    private int LongestWholeEntryAt(string text, int start)
    {
        foreach (var length in _lengths)
        {
            if (start + length > text.Length) continue;
            if (_lookup.Contains(text.AsSpan(start, length)) && IsWholeWord(text, start, length)) return length;
        }
        return 0;
    }

    private static bool IsWholeWord(string text, int start, int length) =>
        length > 0 && (start == 0 || !IsWordChar(text[start - 1])) && (start + length == text.Length || !IsWordChar(text[start + length]));

    /// <summary>As regex <c>\w</c>: letters, digits, combining marks ("globe\u0301x" is one word) and the underscore.</summary>
    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;
}
