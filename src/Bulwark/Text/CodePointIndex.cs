namespace Bulwark.Text;

/// <summary>
/// Converts UTF-16 offsets (how .NET counts) into Unicode code point offsets (how Python and most data sets
/// count): characters outside the Basic Multilingual Plane take two UTF-16 units but one code point.
/// </summary>
public sealed class CodePointIndex
{
    private readonly int[]? _lowSurrogatesBefore; // null when the text has no surrogate pairs

    public CodePointIndex(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0) return;
        _lowSurrogatesBefore = new int[text.Length + 1];
        for (var i = 0; i < text.Length; i++)
        {
            var isPairTail = char.IsLowSurrogate(text[i]) && i > 0 && char.IsHighSurrogate(text[i - 1]);
            _lowSurrogatesBefore[i + 1] = _lowSurrogatesBefore[i] + (isPairTail ? 1 : 0);
        }
    }

    public int FromUtf16(int offset) => _lowSurrogatesBefore is null ? offset : offset - _lowSurrogatesBefore[Math.Clamp(offset, 0, _lowSurrogatesBefore.Length - 1)];
}
