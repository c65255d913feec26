using System.Text.RegularExpressions;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Data.Pii;

/// <summary>
/// Runs patterns that have no literal to prefilter on (card numbers, national ids, phone numbers, e-mail
/// addresses) only next to their anchor: a run of digits (with the separators numbers are written with) or an
/// at sign. One vectorised search finds the anchors; a rule runs only on runs with at least its
/// <c>min-digits</c>, on a short window around the run, so ordinary text and small numbers cost one pass. Before the
/// window, the run is held against what the rule's value is made of (<see cref="ValueFacts"/>): hashes, versions and
/// timestamps mostly stop there.
/// </summary>
internal sealed class AnchoredPatternRecogniser : ITextRecogniser
{
    /// <summary>Digit: any digit run. AtSign: an @. DigitBesideWord: a digit run next to a capitalised word
    /// ("12 Main", "Hauptstraße 5", "Box 77"), the shape of a house number, so small numbers in code stay cheap.</summary>
    public enum Anchor { Digit, AtSign, DigitBesideWord }

    // Characters either side of a token the pattern may read: a token already holds the letters glued to its digits.
    private const int DefaultReach = 12;
    private const int MaxRun = 96;

    private readonly Entry[] _entries;
    private readonly Anchor _anchor;
    private readonly int _fewestDigits;
    private readonly ContextVocabulary _contextWords;
    private readonly RunStretches.Key[] _stretchKeys;

    /// <summary>What this recogniser's rules run next to.</summary>
    public Anchor AnchorKind => _anchor;

    public AnchoredPatternRecogniser(IReadOnlyList<Rule> rules, Anchor anchor, TimeSpan timeout)
    {
        _anchor = anchor;
        _entries = rules.Select(r => Entry.Create(r, timeout)).OrderBy(e => e.Rule.MinDigits).ToArray();
        _fewestDigits = Math.Max(1, _entries.Min(e => e.Rule.MinDigits));
        _contextWords = new ContextVocabulary(_entries.Select(e => e.Rule.ContextWords));
        foreach (var entry in _entries.Where(e => e.Rule.ContextWords.Count > 0)) entry.ContextWords = _contextWords.WordsOf(entry.Rule.ContextWords);
        var keys = new List<RunStretches.Key>();
        foreach (var entry in _entries.Where(e => e.Facts is not null))
        {
            // Rules with the same characters and reach share one reading of each run.
            var index = keys.FindIndex(entry.StretchKey.SameAs);
            if (index < 0)
            {
                index = keys.Count;
                keys.Add(entry.StretchKey);
            }
            entry.StretchIndex = index;
        }
        _stretchKeys = [.. keys];
    }

    /// <summary>Whether rules read their values' facts before anything else (off only to test that findings do not change).</summary>
    internal bool UseValueFacts { get; init; } = true;

    public void Recognise(string text, List<RecognisedSpan> results)
    {
        var scannedTo = new int[_entries.Length];
        ContextLookup? context = null;
        var stretches = new RunStretches(_stretchKeys);
        var span = text.AsSpan();
        var position = 0;
        while (position < text.Length)
        {
            var next = _anchor == Anchor.AtSign ? span[position..].IndexOf('@') : span[position..].IndexOfAnyInRange('0', '9');
            if (next < 0) return;
            var runStart = position + next;
            var (runEnd, digits) = _anchor == Anchor.AtSign ? (runStart + 1, 0) : DigitRun(span, runStart);
            position = runEnd;
            if (_anchor != Anchor.AtSign && digits < _fewestDigits) continue;
            if (_anchor == Anchor.DigitBesideWord && (!BesideCapitalisedWord(span, runStart, runEnd) || !AddressShape.Near(text, runStart, runEnd))) continue;
            if (_anchor == Anchor.Digit) runStart = TokenStart(span, runStart);
            stretches.NextRun(runStart, runEnd);
            for (var i = 0; i < _entries.Length; i++)
            {
                var entry = _entries[i];
                if (entry.Rule.MinDigits > digits && _anchor != Anchor.AtSign) break; // sorted by min-digits
                if (entry.Rule.MaxDigits > 0 && digits > entry.Rule.MaxDigits) continue;
                // Most runs cannot hold the rule's value at all (a hash, a version, a timestamp): a few comparisons say so.
                if (UseValueFacts && entry.Facts is { } facts && !stretches.Admits(text, entry.StretchIndex, facts)) continue;
                Run(text, entry, runStart, runEnd, ref scannedTo[i], ref context, results);
            }
        }
    }

    private static bool BesideCapitalisedWord(ReadOnlySpan<char> text, int start, int end)
    {
        // After: "12 Main", "12, Main", "12\nMain". Before: "Main 12", "Box 12", "Weg 12".
        var after = end;
        while (after < text.Length && after - end < 3 && text[after] is ' ' or ',' or '\n' or '\r' or '.') after++;
        if (after > end && after + 1 < text.Length && char.IsUpper(text[after]) && char.IsLetter(text[after + 1])) return true;
        var before = start;
        while (before > 0 && start - before < 2 && text[before - 1] is ' ' or '\n') before--;
        if (before == start || before < 2 || !char.IsLetter(text[before - 1])) return false;
        var wordStart = before - 1;
        while (wordStart > 0 && before - wordStart < 32 && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] == '.')) wordStart--;
        // "Main 12" or a lower-case street word ("gate 232", "u. 49").
        return before - wordStart >= 2 && (char.IsUpper(text[wordStart]) || AddressShape.IsStreetWord(text.Slice(wordStart, before - wordStart).TrimEnd('.')));
    }

    /// <summary>The start of the token a digit run belongs to: letters and digits glued to it ("GB29", "0x8b", "AB12").</summary>
    private static int TokenStart(ReadOnlySpan<char> text, int start)
    {
        var i = start;
        while (i > 0 && start - i < 32 && (char.IsAsciiLetterOrDigit(text[i - 1]) || (text[i - 1] is ':' or '-' && i > 1 && char.IsAsciiHexDigit(text[i - 2])))) i--;
        return i;
    }

    /// <summary>A run of digits joined by single separators ("4111 1111-1111", "(020) 7946 0958", "12/31/1990").</summary>
    private static (int End, int Digits) DigitRun(ReadOnlySpan<char> text, int start)
    {
        int i = start, digits = 0, end = start;
        while (i < text.Length && i - start < MaxRun)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
                end = ++i;
                continue;
            }
            if (char.IsAsciiLetter(c) && i > start)
            {
                // Letters glued to digits belong to the token ("1EG4TE5", "3c:22:fb", "29AAACR5055K1Z5").
                end = ++i;
                continue;
            }
            if (c is ' ' or '-' or '.' or '/' or '(' or ')' or ':' && i + 1 < text.Length &&
                (char.IsAsciiDigit(text[i + 1]) || (text[i + 1] is ' ' or '(' or '-' && i + 2 < text.Length && char.IsAsciiDigit(text[i + 2]))))
            {
                i++;
                continue;
            }
            break;
        }
        return (end, digits);
    }

    private void Run(string text, Entry entry, int runStart, int runEnd, ref int scannedTo, ref ContextLookup? context, List<RecognisedSpan> results)
    {
        var rule = entry.Rule;
        var reach = rule.Window > 0 ? rule.Window : DefaultReach;
        if (scannedTo >= runEnd) return; // an earlier match of this rule already covers the run
        var from = Math.Min(runStart, Math.Max(Math.Max(0, runStart - reach), scannedTo));
        var to = Math.Min(text.Length, runEnd + reach);
        if (!rule.Multiline)
        {
            var lineStart = text.AsSpan(from, runStart - from).LastIndexOf('\n');
            if (lineStart >= 0) from += lineStart + 1;
            var lineEnd = text.AsSpan(runEnd, to - runEnd).IndexOf('\n');
            if (lineEnd >= 0) to = runEnd + lineEnd;
        }
        // Start the window on a word boundary, so a lookbehind cannot mistake the middle of a token for its start.
        for (var back = 0; from > scannedTo && from > 0 && back < 64 && char.IsLetterOrDigit(text[from - 1]); back++) from--;
        if (to <= from) return;
        // A rule that needs a context word skips runs without one near them: one look around the run (ContextLookup).
        if (entry.ContextWords is { } words && !(context ??= new ContextLookup(_contextWords, text)).Near(runStart, runEnd, rule.ContextWithin + reach, words)) return;
        // Hashes, versions and timestamps cannot hold this rule's value: skip them without a regex.
        if (entry.Cue is { } cue && !cue.MayMatch(text, runStart, runEnd, from, to)) return;
        try
        {
            // Most windows hold no match: the span check allocates nothing.
            var regex = entry.Regex;
            if (!regex.IsMatch(text.AsSpan(from, to - from))) return;
            for (var m = regex.Match(text, from, to - from); m.Success; m = m.NextMatch())
            {
                if (m.Length == 0 || m.Index + m.Length <= runStart || m.Index >= runEnd) continue;
                var (start, length) = entry.SecretGroup is { } g && m.Groups[g] is { Success: true } group ? (group.Index, group.Length) : (m.Index, m.Length);
                if (!Accept(entry, text, m.Index, m.Index + m.Length, start, length)) continue;
                results.Add(new RecognisedSpan(rule, start, start + length));
                scannedTo = Math.Max(scannedTo, m.Index + m.Length);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological window: skip it, keep scanning.
        }
    }

    private static bool Accept(Entry entry, string text, int matchStart, int matchEnd, int start, int length)
    {
        var rule = entry.Rule;
        var value = text.AsSpan(start, length);
        if (!rule.AllowPlaceholders && PlaceholderFilter.IsPlaceholder(value)) return false;
        if (entry.Validators.Length > 0)
        {
            var s = value.ToString();
            foreach (var validator in entry.Validators)
            {
                if (!validator(s)) return false;
            }
        }
        return rule.ContextWords.Count == 0 || ContextWords.Near(text, matchStart, matchEnd, rule.ContextWords, rule.ContextWithin);
    }

    /// <summary>A rule's pattern with the value shape that lets a digit run be dropped before its regex.</summary>
    private sealed class Entry(RulePattern pattern)
    {
        public Rule Rule => pattern.Rule;
        public WindowCue? Cue { get; } = WindowCue.For(pattern.Rule.Id, pattern.Rule.Pattern);
        public int? SecretGroup => pattern.SecretGroup;
        public Func<string, bool>[] Validators => pattern.Validators;
        public Regex Regex => pattern.Regex;

        /// <summary>What the rule's value is made of, read from its pattern; null when the pattern does not say.</summary>
        public ValueFacts? Facts { get; } = FactsOf(pattern.Rule);

        /// <summary>What may not stand beside the value, read from the lookarounds that fence it; null when they do not say.</summary>
        public ValueBounds? Bounds { get; } = ValueBounds.Of(pattern.Rule.Pattern!, pattern.Rule.SecretGroup);

        public RunStretches.Key StretchKey => new(Facts?.Chars ?? default, Rule.Window > 0 ? Rule.Window : DefaultReach, Bounds?.NotBefore ?? default, Bounds?.NotAfter ?? default);

        /// <summary>This rule's place among the recogniser's stretch keys.</summary>
        public int StretchIndex { get; set; }

        /// <summary>The rule's context words in the recogniser's vocabulary; null when it needs none.</summary>
        public ContextWordSet? ContextWords { get; set; }

        public static Entry Create(Rule rule, TimeSpan timeout) => new(RulePattern.Create(rule, timeout));

        private static ValueFacts? FactsOf(Rule rule)
        {
            var facts = ValueFacts.Of(rule.Pattern!, rule.SecretGroup);
            // A single-line rule's window ends at a line break, so its value holds none.
            return rule.Multiline ? facts : facts?.WithoutLineBreaks();
        }
    }
}
