namespace Bulwark.Data.Pii;

/// <summary>Whether one of a rule's context words starts a word near a match (case-insensitive; "phone" finds "phones").</summary>
internal static class ContextWords
{
    public static bool Near(string text, int start, int end, IReadOnlyList<string> words, int within)
    {
        var from = Math.Max(0, start - within);
        var to = Math.Min(text.Length, end + within);
        var around = text.AsSpan(from, to - from);
        foreach (var word in words)
        {
            var offset = 0;
            while (offset < around.Length)
            {
                var at = around[offset..].IndexOf(word, StringComparison.OrdinalIgnoreCase);
                if (at < 0) break;
                at += offset;
                if (at == 0 || !char.IsLetter(around[at - 1])) return true;
                offset = at + 1;
            }
        }
        return false;
    }
}
