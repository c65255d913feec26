namespace Bulwark.Text;

/// <summary>
/// Recognises values that are obviously not real: documentation examples, template variables, masked or
/// repeated characters. Cutting these is most of the difference between a scanner people keep and one they mute.
/// </summary>
public static class PlaceholderFilter
{
    private static readonly string[] Markers =
    [
        "example", "xxxx", "your_", "your-", "yourkey", "placeholder", "changeme", "change_me", "change-me",
        "dummy", "redacted", "insert_", "insert-", "replace_me", "replace-me", "replaceme", "****", "....", "<", ">",
        "${", "{{", "$(", "%(", "process.env", "os.environ", "getenv", "secretkeyref", "notarealkey", "not_a_real", "fake_",
    ];

    private static readonly string[] Sequences = ["0123456789", "123456789", "abcdefghij", "abcdef12345", "qwerty"];

    public static bool IsPlaceholder(ReadOnlySpan<char> value)
    {
        if (value.Length == 0) return true;
        foreach (var marker in Markers)
        {
            if (value.Contains(marker, StringComparison.OrdinalIgnoreCase)) return true;
        }
        foreach (var sequence in Sequences)
        {
            if (value.Contains(sequence, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return value.Length >= 8 && DistinctCharacters(value) <= 3;
    }

    private static int DistinctCharacters(ReadOnlySpan<char> value)
    {
        Span<char> seen = stackalloc char[4];
        var count = 0;
        foreach (var c in value)
        {
            if (seen[..count].Contains(c)) continue;
            if (count == 4) return 4;
            seen[count++] = c;
        }
        return count;
    }
}
