namespace Bulwark.Usage;

/// <summary>
/// A prompt as the classifier sees it, computed once for training: the token features of the whole prepared text
/// and every scored window (<see cref="PromptWindows"/>) as a range of them plus the window's own context features
/// (its rule hits, obfuscation, length). Window 0 is the whole text.
/// </summary>
public sealed class PromptSample((int Slot, float Value)[] tokens, PromptSample.Window[] windows)
{
    /// <param name="Key">A hash of the window's token features: equal windows (in any prompt) have equal keys.</param>
    public readonly record struct Window(int From, int To, (int Slot, float Value)[] Context, ulong Key)
    {
        public int Count => To - From + Context.Length;
    }

    public (int Slot, float Value)[] Tokens { get; } = tokens;
    public Window[] Windows { get; } = windows;

    /// <summary>Raw log-odds of one window under weights <paramref name="w"/>, normalised as the classifier does.</summary>
    public double Margin(float[] w, double bias, in Window window)
    {
        double sum = 0;
        for (var k = window.From; k < window.To; k++) sum += w[Tokens[k].Slot] * Tokens[k].Value;
        foreach (var (slot, value) in window.Context) sum += w[slot] * value;
        return bias + sum / Math.Sqrt(Math.Max(1, window.Count));
    }

    /// <summary>The window with the highest margin (the one that decides the verdict at scoring time); -1 if none is allowed.</summary>
    public int Worst(float[] w, double bias, bool[]? allowed = null)
    {
        var best = -1;
        var bestMargin = double.NegativeInfinity;
        for (var i = 0; i < Windows.Length; i++)
        {
            if (allowed is not null && !allowed[i]) continue;
            var margin = Margin(w, bias, Windows[i]);
            if (margin > bestMargin) (best, bestMargin) = (i, margin);
        }
        return best;
    }

    /// <summary>The <paramref name="count"/> allowed windows with the highest margins, worst first.</summary>
    public IEnumerable<int> Worst(float[] w, double bias, int count, bool[]? allowed = null)
    {
        if (count == 1) return Worst(w, bias, allowed) is var one and >= 0 ? [one] : [];
        var margins = new double[Windows.Length];
        for (var i = 0; i < Windows.Length; i++) margins[i] = Margin(w, bias, Windows[i]);
        return Enumerable.Range(0, Windows.Length).Where(i => allowed is null || allowed[i]).OrderByDescending(i => margins[i]).Take(count);
    }

    public static ulong KeyOf(ReadOnlySpan<(int Slot, float Value)> tokens)
    {
        var key = 14695981039346656037UL;
        foreach (var (slot, value) in tokens) key = (key ^ (ulong)(uint)(slot * 2 + (value > 0 ? 1 : 0))) * 1099511628211UL;
        return key;
    }
}
