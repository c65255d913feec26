using Bulwark.Kernel.Guards;

namespace Bulwark.Usage.Guards;

/// <summary>
/// System-prompt leakage by similarity: the share of the system prompt's five-word shingles that the answer repeats.
/// Paraphrase defeats it, so it complements canaries; verbatim and near-verbatim leaks (the common case: "repeat
/// the words above") are caught, and each repeated run is a span that can be redacted.
/// </summary>
public sealed class SystemPromptLeakGuard(double threshold = SystemPromptLeakGuard.DefaultThreshold) : IGuard
{
    public const string RuleId = "BW-USAGE-OUTPUT-SYSTEM-PROMPT";
    public const double DefaultThreshold = 0.4;
    private const int ShingleWords = 5;

    /// <summary>System prompts shorter than this are generic ("You are a helpful assistant"): repeating them reveals nothing.</summary>
    public const int MinPromptWords = 8;

    public string Name => "system-prompt-leak";

    public IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(context.SystemPrompt)) return [];
        var prompt = Words.Of(context.SystemPrompt);
        if (prompt.Count < MinPromptWords) return [];
        var secret = Shingles(prompt).ToHashSet();

        var answer = Words.Of(text);
        var shared = new HashSet<ulong>();
        var runs = new List<(int Start, int End)>();
        var index = 0;
        foreach (var shingle in Shingles(answer))
        {
            if (secret.Contains(shingle))
            {
                shared.Add(shingle);
                var (start, end) = (answer[index].Start, answer[index + ShingleWords - 1].End);
                if (runs.Count > 0 && start <= runs[^1].End) runs[^1] = (runs[^1].Start, end);
                else runs.Add((start, end));
            }
            index++;
        }

        var similarity = (double)shared.Count / secret.Count;
        if (similarity < threshold) return [];
        return runs.Select(r => new GuardHit(Name, RuleId, (float)similarity, r.Start, r.End - r.Start,
            $"the answer repeats {similarity:P0} of the system prompt (threshold {threshold:P0})")).ToList();
    }

    private static IEnumerable<ulong> Shingles(List<(int Start, int End, ulong Hash)> words)
    {
        for (var i = 0; i + ShingleWords <= words.Count; i++)
        {
            var hash = 14695981039346656037UL;
            for (var k = i; k < i + ShingleWords; k++) hash = (hash ^ words[k].Hash) * 1099511628211UL;
            yield return hash;
        }
    }

    /// <summary>Words (letters and digits), case-folded and hashed, with their spans in the text.</summary>
    private static class Words
    {
        public static List<(int Start, int End, ulong Hash)> Of(string text)
        {
            var words = new List<(int, int, ulong)>();
            for (var i = 0; i < text.Length;)
            {
                if (!char.IsLetterOrDigit(text[i])) { i++; continue; }
                var start = i;
                var hash = 14695981039346656037UL;
                for (; i < text.Length && char.IsLetterOrDigit(text[i]); i++) hash = (hash ^ char.ToLowerInvariant(text[i])) * 1099511628211UL;
                words.Add((start, i, hash));
            }
            return words;
        }
    }
}
