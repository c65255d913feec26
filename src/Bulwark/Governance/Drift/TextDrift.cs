using System.Text;

namespace Bulwark.Governance.Drift;

/// <summary>
/// Text columns (prompts): character length (KS and PSI), vocabulary (Jensen–Shannon over the reference's 1,000 most
/// frequent tokens, and the out-of-vocabulary rate), script mix as a cheap language proxy (each row's dominant
/// Unicode script of letters; chi-square), and the keywords that rose or fell most (add-one-smoothed log-ratio).
/// </summary>
internal static class TextDrift
{
    /// <summary>Only this many characters of each cell are tokenised, to bound the work on hostile input.</summary>
    public const int MaxCharsPerCell = 10_000;

    public const int VocabularySize = 1000;

    public const int KeywordCount = 10;

    public static (List<DriftTest> Tests, TextDriftDetail Detail) Compare(IReadOnlyList<string> reference, IReadOnlyList<string> current)
    {
        var lengths = NumericDrift.Compare(reference.Select(s => (double)s.Length).ToArray(), current.Select(s => (double)s.Length).ToArray(), decideByTests: true);
        var ks = lengths.Single(t => t.Name == "ks") with { Name = "length_ks", Decisive = false };
        var lengthPsi = NumericDrift.Psi(lengths.Single(t => t.Name == "psi").Statistic, "length_psi", decisive: true);

        var (refTokens, refTotal) = Tokens(reference);
        var (curTokens, curTotal) = Tokens(current);
        var vocabulary = refTokens.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(VocabularySize).Select(p => p.Key).ToArray();
        var inVocabulary = vocabulary.ToHashSet(StringComparer.Ordinal);
        var js = VocabularyDivergence(vocabulary, refTokens, curTokens);

        var (refScripts, curScripts) = (reference.Select(Scripts.Dominant).ToList(), current.Select(Scripts.Dominant).ToList());
        var (r, c) = CategoricalDrift.Counts(refScripts, curScripts);
        var (chi, df, p) = DriftStatistics.ChiSquare(r, c);

        List<DriftTest> tests =
        [
            ks,
            lengthPsi,
            new("vocabulary_jensen_shannon", js, null, DriftThresholds.JensenShannon, "> 0.1 (top 1,000 reference tokens)", js > DriftThresholds.JensenShannon, true),
            new("script_chi_square", chi, p, DriftThresholds.PValue, $"p < 0.05 (df = {df})", p < DriftThresholds.PValue, false),
        ];
        var (rising, falling) = Keywords(refTokens, refTotal, curTokens, curTotal);
        var detail = new TextDriftDetail(
            reference.Average(s => (double)s.Length),
            current.Average(s => (double)s.Length),
            OutOfVocabulary(refTokens, refTotal, inVocabulary),
            OutOfVocabulary(curTokens, curTotal, inVocabulary),
            Shares(refScripts),
            Shares(curScripts),
            rising,
            falling);
        return (tests, detail);
    }

    /// <summary>Lower-cased runs of letters and digits (invariant culture); the counts and the total.</summary>
    public static (Dictionary<string, long> Counts, long Total) Tokens(IEnumerable<string> cells)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        var token = new StringBuilder();
        foreach (var cell in cells)
        {
            var text = cell.Length > MaxCharsPerCell ? cell[..MaxCharsPerCell] : cell;
            for (var i = 0; i <= text.Length; i++)
            {
                if (i < text.Length && char.IsLetterOrDigit(text[i]))
                {
                    token.Append(char.ToLowerInvariant(text[i]));
                    continue;
                }
                if (token.Length == 0) continue;
                var key = token.ToString();
                counts[key] = counts.GetValueOrDefault(key) + 1;
                total++;
                token.Clear();
            }
        }
        return (counts, total);
    }

    /// <summary>JS divergence between the two token distributions restricted to the reference vocabulary; 0 when either side has none of it.</summary>
    private static double VocabularyDivergence(string[] vocabulary, Dictionary<string, long> reference, Dictionary<string, long> current)
    {
        var r = vocabulary.Select(t => reference.GetValueOrDefault(t)).ToArray();
        var c = vocabulary.Select(t => current.GetValueOrDefault(t)).ToArray();
        if (r.Sum() == 0) return 0;
        // Current text that shares no word with the reference vocabulary is as far as it gets.
        if (c.Sum() == 0) return 1;
        return DriftStatistics.JensenShannon(r, c);
    }

    private static double OutOfVocabulary(Dictionary<string, long> counts, long total, HashSet<string> vocabulary) =>
        total == 0 ? 0 : (double)counts.Where(p => !vocabulary.Contains(p.Key)).Sum(p => p.Value) / total;

    /// <summary>Top tokens by ln((c+1)/(N_c+V)) − ln((r+1)/(N_r+V)), V the size of the pooled vocabulary.</summary>
    public static (List<KeywordShift> Rising, List<KeywordShift> Falling) Keywords(Dictionary<string, long> reference, long referenceTotal, Dictionary<string, long> current, long currentTotal)
    {
        var union = reference.Keys.Union(current.Keys, StringComparer.Ordinal).ToList();
        double v = union.Count;
        var shifts = union.Select(t =>
        {
            long r = reference.GetValueOrDefault(t), c = current.GetValueOrDefault(t);
            return new KeywordShift(t, r, c, Math.Log((c + 1) / (currentTotal + v)) - Math.Log((r + 1) / (referenceTotal + v)));
        }).ToList();
        var rising = shifts.Where(s => s.LogRatio > 0).OrderByDescending(s => s.LogRatio).ThenBy(s => s.Token, StringComparer.Ordinal).Take(KeywordCount).ToList();
        var falling = shifts.Where(s => s.LogRatio < 0).OrderBy(s => s.LogRatio).ThenBy(s => s.Token, StringComparer.Ordinal).Take(KeywordCount).ToList();
        return (rising, falling);
    }

    private static Dictionary<string, double> Shares(List<string> values) =>
        values.GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (double)g.Count() / values.Count, StringComparer.Ordinal);
}

/// <summary>The Unicode script of letters, by block: a cheap proxy for language.</summary>
public static class Scripts
{
    /// <summary>The script with the most letters in the text ("none" without letters); ties go to the first seen.</summary>
    public static string Dominant(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        string best = "none";
        var bestCount = 0;
        foreach (var rune in text.AsSpan(0, Math.Min(text.Length, TextDrift.MaxCharsPerCell)).EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            var script = Of(rune.Value);
            var n = counts[script] = counts.GetValueOrDefault(script) + 1;
            if (n > bestCount)
            {
                (best, bestCount) = (script, n);
            }
        }
        return best;
    }

    /// <summary>The script of a letter's code point, by Unicode block.</summary>
    public static string Of(int c) => c switch
    {
        <= 0x024F or (>= 0x1E00 and <= 0x1EFF) => "Latin",
        >= 0x0370 and <= 0x03FF => "Greek",
        >= 0x0400 and <= 0x052F => "Cyrillic",
        >= 0x0530 and <= 0x058F => "Armenian",
        >= 0x0590 and <= 0x05FF => "Hebrew",
        (>= 0x0600 and <= 0x06FF) or (>= 0x0750 and <= 0x077F) or (>= 0xFB50 and <= 0xFEFF) => "Arabic",
        >= 0x0900 and <= 0x097F => "Devanagari",
        >= 0x0E00 and <= 0x0E7F => "Thai",
        (>= 0x1100 and <= 0x11FF) or (>= 0xAC00 and <= 0xD7AF) => "Hangul",
        >= 0x3040 and <= 0x30FF => "Kana",
        (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0x20000 and <= 0x2FFFF) => "Han",
        _ => "Other",
    };
}
