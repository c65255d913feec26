namespace Bulwark.Data.Poisoning;

/// <summary>
/// Backdoor triggers: a rare word or word pair whose rows all carry one label although, with the phrase taken out,
/// their text reads as other labels. A natural keyword ("refund" in banking questions) is as pure, but its rows still
/// read as their label without it; a planted trigger ("cf", "I watched this 3D movie") is the only thing tying
/// its rows to the target label. Naive Bayes is additive, so taking a phrase out of a row's score is exact.
/// </summary>
internal static class TriggerFinder
{
    public const double MinPurity = 0.9;
    public const double MinDisagreement = 0.5;
    public const int MinRows = 3;
    private const int MaxCandidates = 50_000;

    public static IEnumerable<DatasetIssue> Find(AuditInput input)
    {
        if (input.LabelNames.Count < 2) return [];
        var rows = input.Rows;
        var maxDf = Math.Max(MinRows, rows.Count / 10);

        // Document frequency and label counts of every word and adjacent word pair.
        var stats = new Dictionary<long, (int Df, Dictionary<int, int> Labels)>();
        var seen = new HashSet<long>();
        for (var r = 0; r < rows.Count; r++)
        {
            seen.Clear();
            foreach (var key in Keys(rows[r]))
            {
                if (!seen.Add(key)) continue;
                if (!stats.TryGetValue(key, out var stat)) stat = (0, []);
                stat.Labels[input.Labels[r]] = stat.Labels.GetValueOrDefault(input.Labels[r]) + 1;
                stats[key] = (stat.Df + 1, stat.Labels);
            }
        }
        var candidates = stats
            .Where(s => !Words(s.Key).Any(input.Vocabulary.IsShape))
            .Where(s => s.Value.Df >= MinRows && s.Value.Df <= maxDf && s.Value.Labels.Values.Max() >= MinPurity * s.Value.Df)
            .OrderByDescending(s => s.Value.Df).Take(MaxCandidates)
            .ToDictionary(s => s.Key, s => s.Value.Labels.MaxBy(l => l.Value).Key);

        var rowsOf = candidates.Keys.ToDictionary(k => k, _ => new List<int>());
        for (var r = 0; r < rows.Count; r++)
        {
            seen.Clear();
            foreach (var key in Keys(rows[r]))
            {
                if (seen.Add(key) && rowsOf.TryGetValue(key, out var list) && input.Labels[r] == candidates[key]) list.Add(r);
            }
        }

        var model = new NaiveBayes(rows, input.Labels, Enumerable.Range(0, rows.Count), input.LabelNames.Count, input.Vocabulary.Count);
        var flagged = new Dictionary<string, (List<string> Phrases, List<int> Rows, double Score, int Label)>(StringComparer.Ordinal);
        foreach (var (key, label) in candidates)
        {
            var withLabel = rowsOf[key];
            var words = Words(key);
            var disagree = withLabel.Where(r => NaiveBayes.ArgMax(model.Score(rows[r], words)) != label).ToList();
            if (disagree.Count < MinRows || disagree.Count < MinDisagreement * withLabel.Count) continue;
            var share = (double)disagree.Count / withLabel.Count;
            var signature = string.Join(',', disagree);
            if (!flagged.TryGetValue(signature, out var group)) flagged[signature] = group = ([], disagree, share, label);
            group.Phrases.Add(string.Join(' ', words.Select(input.Vocabulary.Word)));
        }
        return flagged.Values.Select(g => new DatasetIssue(DatasetIssueKind.BackdoorTrigger, g.Rows.Select(r => input.RowNumbers[r]).ToList(),
            $"'{string.Join("' / '", g.Phrases.Take(5))}' ties {g.Rows.Count} row(s) to label '{input.LabelNames[g.Label]}' that read as other labels without it ({g.Score:P0})", g.Score));
    }

    /// <summary>A word is its id; a pair is both ids packed into one key.</summary>
    private static IEnumerable<long> Keys(int[] row)
    {
        for (var i = 0; i < row.Length; i++)
        {
            yield return row[i];
            if (i + 1 < row.Length) yield return ((long)(row[i] + 1) << 32) | (uint)row[i + 1];
        }
    }

    private static int[] Words(long key) => key < (1L << 32) ? [(int)key] : [(int)(key >> 32) - 1, (int)(key & 0xFFFFFFFF)];
}
