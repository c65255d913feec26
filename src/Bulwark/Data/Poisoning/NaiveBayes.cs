namespace Bulwark.Data.Poisoning;

/// <summary>
/// Multinomial naive Bayes with add-one smoothing: trained in one pass, additive in log space, so a word's
/// contribution to a row's score can be taken out exactly (what the trigger check needs).
/// </summary>
internal sealed class NaiveBayes
{
    private readonly double[] _logPrior;
    private readonly float[][] _logLikelihood; // [class][word]

    public NaiveBayes(IReadOnlyList<int[]> rows, IReadOnlyList<int> labels, IEnumerable<int> training, int classes, int vocabulary)
    {
        var counts = new double[classes][];
        var totals = new double[classes];
        var rowsPerClass = new double[classes];
        for (var c = 0; c < classes; c++) counts[c] = new double[vocabulary];
        foreach (var r in training)
        {
            var c = labels[r];
            rowsPerClass[c]++;
            foreach (var word in rows[r]) counts[c][word]++;
            totals[c] += rows[r].Length;
        }
        var all = rowsPerClass.Sum();
        _logPrior = rowsPerClass.Select(n => Math.Log((n + 1) / (all + classes))).ToArray();
        _logLikelihood = new float[classes][];
        for (var c = 0; c < classes; c++)
        {
            var denominator = Math.Log(totals[c] + vocabulary);
            _logLikelihood[c] = counts[c].Select(n => (float)(Math.Log(n + 1) - denominator)).ToArray();
        }
    }

    public int Classes => _logPrior.Length;

    public float LogLikelihood(int c, int word) => _logLikelihood[c][word];

    /// <summary>Log joint per class; words in <paramref name="skip"/> (once each) leave the sum.</summary>
    public double[] Score(int[] row, IReadOnlyCollection<int>? skip = null)
    {
        var scores = (double[])_logPrior.Clone();
        for (var c = 0; c < scores.Length; c++)
        {
            var likelihood = _logLikelihood[c];
            foreach (var word in row) scores[c] += likelihood[word];
            if (skip is not null)
            {
                foreach (var word in skip) scores[c] -= likelihood[word];
            }
        }
        return scores;
    }

    /// <summary>Posterior probabilities from log joints, tempered by the row length so long rows are not all certainty.</summary>
    public static double[] Posterior(double[] scores, int words)
    {
        var temperature = Math.Sqrt(Math.Max(1, words));
        var max = scores.Max();
        var exp = scores.Select(s => Math.Exp((s - max) / temperature)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }

    public static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}
