namespace Bulwark.Data.Pii;

/// <summary>
/// The few structural facts of .NET regex syntax that pattern readers here need without parsing a whole pattern:
/// where a group or a class ends, and a group's alternatives. An escaped character is never syntax, and a ']' first in
/// a class (after an optional '^') is a member.
/// </summary>
internal static class PatternSyntax
{
    /// <summary>Moves <paramref name="at"/> past the group that opens there; false when it is not closed.</summary>
    public static bool SkipGroup(ReadOnlySpan<char> pattern, ref int at)
    {
        var depth = 0;
        for (var i = at; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\': i++; break;
                case '[': i = ClassEnd(pattern, i); break;
                case '(': depth++; break;
                case ')' when --depth == 0:
                    at = i + 1;
                    return true;
            }
        }
        return false;
    }

    /// <summary>The alternatives of <paramref name="body"/>, split where a '|' stands outside any group and class.</summary>
    public static List<string> TopLevelAlternatives(ReadOnlySpan<char> body)
    {
        var result = new List<string>();
        int depth = 0, from = 0;
        for (var i = 0; i < body.Length; i++)
        {
            switch (body[i])
            {
                case '\\': i++; break;
                case '[': i = ClassEnd(body, i); break;
                case '(': depth++; break;
                case ')': depth--; break;
                case '|' when depth == 0:
                    result.Add(body[from..i].ToString());
                    from = i + 1;
                    break;
            }
        }
        result.Add(body[from..].ToString());
        return result;
    }

    /// <summary>The index of the ']' that closes the class opening at <paramref name="open"/> (the end when none does).</summary>
    public static int ClassEnd(ReadOnlySpan<char> pattern, int open)
    {
        var i = open + 1;
        if (i < pattern.Length && pattern[i] == '^') i++;
        if (i < pattern.Length && pattern[i] == ']') i++;
        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\') i++;
            else if (pattern[i] == ']') return i;
        }
        return pattern.Length;
    }
}
