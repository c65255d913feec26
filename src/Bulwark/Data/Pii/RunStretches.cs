using System.Runtime.CompilerServices;

namespace Bulwark.Data.Pii;

/// <summary>
/// For the digit run being scanned, the stretches of each rule's value characters that overlap it, with their counts.
/// A value overlapping the run lies inside one of them, so a rule whose <see cref="ValueFacts"/> no stretch admits is
/// dropped. With <see cref="ValueBounds"/>, a stretch counts only from its first position a value may start at to its
/// last one a value may end at. Rules with the same characters, reach and bounds share one computation per run.
/// </summary>
internal sealed class RunStretches
{
    private const int MaxStretches = 4;
    // The window of a rule may start this far before its reach: it is moved back to a word boundary.
    private const int WordBoundaryBack = 64;

    private readonly Key[] _keys;
    private readonly StretchCounts[] _stretches;
    private readonly int[] _counts;
    private readonly int[] _computedFor;
    private int _run;

    // The run itself: where it is, what characters it holds, how many of each kind, and its neighbours. Read on the
    // first question about it, so a run no rule asks about costs nothing.
    private int _runStart, _runEnd, _readRun = -1;
    private CharMask _runChars;
    private StretchCounts _runCounts;
    private char _before, _after;

    /// <summary>What a computation depends on: the value's characters, how far the rule's window reaches, and the
    /// characters that may not stand right before or after the value (empty when the pattern does not say).</summary>
    public readonly struct Key(CharMask chars, int reach, CharMask notBefore = default, CharMask notAfter = default)
    {
        public CharMask Chars { get; } = chars;

        public int Reach { get; } = reach;

        public CharMask NotBefore { get; } = notBefore;

        public CharMask NotAfter { get; } = notAfter;

        public bool SameAs(Key other) =>
            Reach == other.Reach && Chars.SameAs(other.Chars) && NotBefore.SameAs(other.NotBefore) && NotAfter.SameAs(other.NotAfter);
    }

    /// <param name="keys">The recogniser's keys, built once and shared by every text it reads.</param>
    public RunStretches(Key[] keys)
    {
        _keys = keys;
        _stretches = new StretchCounts[_keys.Length * MaxStretches];
        _counts = new int[_keys.Length];
        _computedFor = new int[_keys.Length];
        Array.Fill(_computedFor, -1);
    }

    /// <summary>Moves on to the run [<paramref name="runStart"/>, <paramref name="runEnd"/>), forgetting the previous one.</summary>
    public void NextRun(int runStart, int runEnd) => (_run, _runStart, _runEnd) = (_run + 1, runStart, runEnd);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadRun(string text)
    {
        var chars = default(CharMask);
        var counter = new Counter();
        foreach (var c in text.AsSpan(_runStart, _runEnd - _runStart))
        {
            chars |= CharMask.Of(c);
            counter.Add(c);
        }
        (_runChars, _runCounts) = (chars, counter.Counts);
        _before = _runStart > 0 ? text[_runStart - 1] : ' ';
        _after = _runEnd < text.Length ? text[_runEnd] : ' ';
        _readRun = _run;
    }

    /// <summary>
    /// Whether the value may fit, judged from the run alone: when neither neighbour can belong to the value, its
    /// stretch lies within the run and holds at most the run's characters of the value's kinds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool RunMayHold(CharMask chars, ValueFacts facts)
    {
        if (chars.Contains(_before) || chars.Contains(_after) || _before > '\x7f' || _after > '\x7f') return true;
        var c = _runCounts;
        var digits = chars.Overlaps(CharMask.Digits) ? c.Digits : 0;
        var upper = chars.Overlaps(CharMask.Upper) ? c.Upper : 0;
        var lower = chars.Overlaps(CharMask.Lower) ? c.Lower : 0;
        var other = chars.Overlaps(CharMask.Other & _runChars) ? c.Other : 0;
        return facts.Admits(new StretchCounts(digits, upper, lower, other, digits + upper + lower + other));
    }

    /// <summary>Whether a value with <paramref name="facts"/> can overlap the current run.</summary>
    /// <remarks>The run's checks are fully optimised from the first call: at tier 0 every <see cref="CharMask"/> test
    /// would be a call of its own, and while new regexes keep compiling early in a scan, tiering up waits.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Admits(string text, int key, ValueFacts facts)
    {
        if (_readRun != _run) ReadRun(text);
        if (!RunMayHold(_keys[key].Chars, facts) || FencedOut(_keys[key])) return false;
        if (_computedFor[key] != _run)
        {
            _counts[key] = Compute(text, _keys[key], _runStart, _runEnd, _stretches.AsSpan(key * MaxStretches, MaxStretches));
            _computedFor[key] = _run;
        }
        var count = _counts[key];
        if (count < 0) return true;
        for (var i = 0; i < count; i++)
        {
            if (facts.Admits(_stretches[key * MaxStretches + i])) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the fences alone rule the run out: when no character of the run may stand before or after the value, a
    /// value can neither start nor end inside it, so it covers the whole run, and a run with a character the value
    /// cannot hold (a UUID's letters for a card number) has none. One comparison instead of reading the stretches.
    /// </summary>
    private bool FencedOut(in Key key) =>
        !key.NotBefore.IsEmpty && (_runChars & ~key.NotBefore).IsEmpty && (_runChars & ~key.NotAfter).IsEmpty && !(_runChars & ~key.Chars).IsEmpty;

    /// <summary>The stretches overlapping the run, or -1 when they cannot be told (a non-ASCII character, too many).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Compute(string text, Key key, int runStart, int runEnd, Span<StretchCounts> into)
    {
        var lowest = Math.Max(0, runStart - key.Reach - WordBoundaryBack);
        var highest = Math.Min(text.Length, runEnd + key.Reach);
        var chars = key.Chars;
        var count = 0;
        var i = runStart;
        while (i < runEnd)
        {
            if (!chars.Contains(text[i]))
            {
                i++;
                continue;
            }
            if (count == into.Length) return -1;
            var stretch = new Counter();
            var a = i;
            while (a > lowest && stretch.Take(chars, text[a - 1])) a--;
            var b = i;
            while (b < highest && stretch.Take(chars, text[b])) b++;
            // \d, \s, \w and case-insensitive letters reach past ASCII: beside such a character the regex decides.
            if (stretch.NonAscii) return -1;
            var fenced = Fence(text, key, a, b, runStart, runEnd, stretch.Counts);
            if (fenced.Length > 0) into[count++] = fenced;
            i = b + 1;
        }
        return count;
    }

    /// <summary>
    /// The counts of the part of stretch [a, b) a value may fill: from its first allowed start to its last allowed end
    /// (empty when none overlaps the run). The window the regex reads starts at or before the run and ends at or after
    /// it, and the regex takes the window for its whole input, so any start up to the run's and any end from the run's
    /// on may be a window edge, where the lookarounds pass: only starts and ends inside the run are fenced. A UUID's or
    /// a timestamp's inner digit stretches, glued to letters, dashes and colons, are left with nothing.
    /// </summary>
    private static StretchCounts Fence(string text, Key key, int a, int b, int runStart, int runEnd, StretchCounts whole)
    {
        if (key.NotBefore.IsEmpty && key.NotAfter.IsEmpty) return whole;
        var start = a;
        while (start < b && start > runStart && key.NotBefore.Contains(text[start - 1])) start++;
        var end = b;
        while (end > start && end < runEnd && key.NotAfter.Contains(text[end])) end--;
        if (start >= end || start >= runEnd || end <= runStart) return default;
        if (start == a && end == b) return whole;
        var counter = new Counter();
        foreach (var c in text.AsSpan(start, end - start)) counter.Add(c);
        return counter.Counts;
    }

    private struct Counter
    {
        private int _digits, _upper, _lower, _other;

        public bool NonAscii { get; private set; }

        public readonly StretchCounts Counts => new(_digits, _upper, _lower, _other, _digits + _upper + _lower + _other);

        /// <summary>Counts <paramref name="c"/> when it may belong to the value; a non-ASCII character ends the stretch and marks it.</summary>
        public bool Take(CharMask chars, char c)
        {
            if (c > '\x7f') NonAscii = true;
            if (!chars.Contains(c)) return false;
            Add(c);
            return true;
        }

        /// <summary>Counts <paramref name="c"/> by its kind; anything but an ASCII digit or letter is other.</summary>
        public void Add(char c)
        {
            if (char.IsAsciiDigit(c)) _digits++;
            else if (char.IsAsciiLetterUpper(c)) _upper++;
            else if (char.IsAsciiLetterLower(c)) _lower++;
            else _other++;
        }
    }
}
