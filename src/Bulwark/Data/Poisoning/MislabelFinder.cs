namespace Bulwark.Data.Poisoning;

/// <summary>
/// Labels that disagree with the text, by confident learning (Northcutt et al., 2021): out-of-fold naive Bayes
/// probabilities, a per-class threshold (the mean probability the class gets on its own rows), and a row is suspect when
/// another class clears its threshold more confidently than the given label clears its own, or when the given label
/// gets under a tenth of its class's threshold and another class is likelier.
/// </summary>
internal static class MislabelFinder
{
    public const int Folds = 5;

    /// <summary>A given label whose probability is under this share of its class's typical probability is implausible.</summary>
    public const double Implausible = 0.1;

    public static IEnumerable<DatasetIssue> Find(AuditInput input, int seed)
    {
        if (input.LabelNames.Count < 2 || input.Rows.Count < Folds * 2) yield break;
        var fold = Shuffled(input.Rows.Count, seed).Select((row, i) => (row, i % Folds)).OrderBy(p => p.row).Select(p => p.Item2).ToArray();
        var probabilities = new double[input.Rows.Count][];
        for (var f = 0; f < Folds; f++)
        {
            var model = new NaiveBayes(input.Rows, input.Labels, Enumerable.Range(0, input.Rows.Count).Where(r => fold[r] != f), input.LabelNames.Count, input.Vocabulary.Count);
            for (var r = 0; r < input.Rows.Count; r++)
            {
                if (fold[r] == f) probabilities[r] = NaiveBayes.Posterior(model.Score(input.Rows[r]), input.Rows[r].Length);
            }
        }

        var classes = input.LabelNames.Count;
        var thresholds = Enumerable.Range(0, classes)
            .Select(c => Enumerable.Range(0, input.Rows.Count).Where(r => input.Labels[r] == c).Select(r => probabilities[r][c]).DefaultIfEmpty(1).Average())
            .ToArray();
        for (var r = 0; r < input.Rows.Count; r++)
        {
            var p = probabilities[r];
            var given = input.Labels[r];
            var best = -1;
            for (var c = 0; c < classes; c++)
            {
                if (p[c] >= thresholds[c] && (best < 0 || p[c] > p[best])) best = c;
            }
            // Under-confident rows clear no threshold; a label the text all but rules out is suspect anyway.
            if (best < 0 && p[given] < thresholds[given] * Implausible) best = NaiveBayes.ArgMax(p);
            // And the other label must be likelier than not, and at least twice as likely: small or blurry data stays quiet.
            if (best < 0 || best == given || p[given] >= thresholds[given] || p[best] < 0.5 || p[best] < 2 * p[given]) continue;
            yield return new DatasetIssue(DatasetIssueKind.LikelyMislabeled, [input.RowNumbers[r]],
                $"labelled '{input.LabelNames[given]}' but reads as '{input.LabelNames[best]}' (p {p[best]:0.00} vs {p[given]:0.00})", p[best] - p[given]);
        }
    }

    internal static int[] Shuffled(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
