namespace Bulwark.Usage;

/// <summary>
/// The parts of a prepared prompt that the classifier scores: the whole text, then, when it is longer than a window,
/// each sentence (long sentences in overlapping windows). Mirrors <see cref="PromptAttackClassifier"/>'s own
/// enumeration so that training sees the same windows that scoring does.
/// </summary>
public static class PromptWindows
{
    public static List<(int Start, int Length)> Of(string text)
    {
        var windows = new List<(int, int)> { (0, text.Length) };
        if (text.Length <= PromptAttackClassifier.WindowChars) return windows;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var end = i == text.Length || text[i] == '\n' || (text[i] is '.' or '!' or '?' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])));
            if (!end) continue;
            var stop = Math.Min(text.Length, i + 1);
            if (stop - start >= PromptAttackClassifier.MinSentenceChars)
            {
                for (var w = start; ; w += PromptAttackClassifier.WindowStep)
                {
                    windows.Add((w, Math.Min(PromptAttackClassifier.WindowChars, stop - w)));
                    if (w + PromptAttackClassifier.WindowChars >= stop) break;
                }
            }
            start = stop;
        }
        return windows;
    }
}
