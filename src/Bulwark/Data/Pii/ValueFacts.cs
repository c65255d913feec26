using System.Runtime.CompilerServices;

namespace Bulwark.Data.Pii;

/// <summary>
/// What every value a pattern reports is made of, read from the pattern itself: the ASCII characters it may hold,
/// and the fewest digits, letters, other characters and characters in all it must hold. A digit run can hold such a
/// value only inside a stretch of those characters that is long and rich enough (<see cref="RunStretches"/>), so most
/// runs drop a rule with a few comparisons instead of a window and a regex.
/// </summary>
/// <remarks>
/// The facts are a necessary condition, never a guess: each construct's characters are a superset of what it can
/// match and each count is a lower bound. They speak only of ASCII (outside it, \d, \s, \w and case-insensitive
/// letters reach further), so a stretch that meets a non-ASCII character is left to the regex. Patterns whose match
/// holds more than the reported value (a cue phrase before the secret group), or that the reader does not follow
/// (<c>(?x)</c>, class subtraction), have no facts and always reach the regex.
/// </remarks>
internal sealed record ValueFacts(CharMask Chars, int MinDigits, int MinUpper, int MinLower, int MinLetters, int MinOther, int MinLength)
{
    /// <summary>The facts of the value the pattern reports (its <paramref name="secretGroup"/>, or the whole match when
    /// it has none), or null when they cannot be read from the pattern.</summary>
    public static ValueFacts? Of(string pattern, string secretGroup)
    {
        try
        {
            var parsed = new PatternReader(pattern, secretGroup).Read();
            return parsed.Value;
        }
        catch (Exception e) when (e is NotSupportedException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            // Facts only spare work: a pattern the reader cannot follow simply runs without them.
            return null;
        }
    }

    /// <summary>The value cannot hold a line break: the window of a single-line rule ends at one.</summary>
    public ValueFacts WithoutLineBreaks() => this with { Chars = Chars.Without('\n') };

    /// <summary>Whether a stretch with these counts can hold the value.</summary>
    public bool Admits(in StretchCounts s) =>
        s.Digits >= MinDigits && s.Upper >= MinUpper && s.Lower >= MinLower && s.Upper + s.Lower >= MinLetters && s.Other >= MinOther && s.Length >= MinLength;

    internal static ValueFacts Empty { get; } = new(default, 0, 0, 0, 0, 0, 0);

    internal static ValueFacts Atom(CharMask chars) => new(chars,
        chars.IsSubsetOf(CharMask.Digits) ? 1 : 0, chars.IsSubsetOf(CharMask.Upper) ? 1 : 0, chars.IsSubsetOf(CharMask.Lower) ? 1 : 0,
        chars.IsSubsetOf(CharMask.Letters) ? 1 : 0, chars.IsSubsetOf(CharMask.Other) ? 1 : 0, 1);

    internal ValueFacts Then(ValueFacts next) => new(Chars | next.Chars, Add(MinDigits, next.MinDigits), Add(MinUpper, next.MinUpper),
        Add(MinLower, next.MinLower), Add(MinLetters, next.MinLetters), Add(MinOther, next.MinOther), Add(MinLength, next.MinLength));

    internal ValueFacts Or(ValueFacts other) => new(Chars | other.Chars, Math.Min(MinDigits, other.MinDigits), Math.Min(MinUpper, other.MinUpper),
        Math.Min(MinLower, other.MinLower), Math.Min(MinLetters, other.MinLetters), Math.Min(MinOther, other.MinOther), Math.Min(MinLength, other.MinLength));

    /// <summary>The facts of <paramref name="count"/> or more repetitions: the same characters, the counts multiplied.</summary>
    internal ValueFacts Times(int count) => new(Chars, Mul(MinDigits, count), Mul(MinUpper, count), Mul(MinLower, count),
        Mul(MinLetters, count), Mul(MinOther, count), Mul(MinLength, count));

    private const int Cap = 1 << 20;

    private static int Add(int a, int b) => Math.Min(Cap, a + b);

    private static int Mul(int a, int n) => (int)Math.Min(Cap, (long)a * n);
}

/// <summary>The counts of one stretch of a value's characters around a digit run.</summary>
internal readonly record struct StretchCounts(int Digits, int Upper, int Lower, int Other, int Length);

/// <summary>A set of ASCII characters, one bit each.</summary>
/// <remarks>A plain struct, not a record: a record's equality goes through <c>EqualityComparer&lt;T&gt;</c>, which
/// precompiled (ReadyToRun) code calls through a dispatch stub on every test of a hot loop.</remarks>
internal readonly struct CharMask(ulong low, ulong high)
{
    private readonly ulong _low = low, _high = high;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CharMask Of(char c) => c < 64 ? new(1UL << c, 0) : c < 128 ? new(0, 1UL << (c - 64)) : default;

    public static CharMask Range(char first, char last)
    {
        var mask = default(CharMask);
        for (var c = first; c <= last && c < 128; c++) mask |= Of(c);
        return mask;
    }

    public static CharMask Digits { get; } = Range('0', '9');
    public static CharMask Upper { get; } = Range('A', 'Z');
    public static CharMask Lower { get; } = Range('a', 'z');
    public static CharMask Letters { get; } = Upper | Lower;
    public static CharMask All { get; } = new(ulong.MaxValue, ulong.MaxValue);
    public static CharMask Other { get; } = ~(Digits | Letters);
    public static CharMask Word { get; } = Digits | Letters | Of('_');
    public static CharMask Space { get; } = Of(' ') | Range('\t', '\r');

    public bool IsEmpty => (_low | _high) == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(char c) => c < 64 ? (_low >> c & 1) != 0 : c < 128 && (_high >> (c - 64) & 1) != 0;

    public bool Overlaps(CharMask other) => !(this & other).IsEmpty;

    public bool IsSubsetOf(CharMask other) => (this & ~other).IsEmpty && !IsEmpty;

    public bool SameAs(CharMask other) => _low == other._low && _high == other._high;

    public CharMask Without(char c) => this & ~Of(c);

    /// <summary>The set with both cases of every letter in it, as case-insensitive matching sees it.</summary>
    public CharMask CaseClosed()
    {
        var letters = this & Letters;
        // 'A'..'Z' are bits 1..26 of the high word, 'a'..'z' bits 33..58: 32 apart.
        return this | new CharMask(0, letters._high << 32 | letters._high >> 32);
    }

    public static CharMask operator |(CharMask a, CharMask b) => new(a._low | b._low, a._high | b._high);
    public static CharMask operator &(CharMask a, CharMask b) => new(a._low & b._low, a._high & b._high);
    public static CharMask operator ~(CharMask a) => new(~a._low, ~a._high);
}
