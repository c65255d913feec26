using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Data.Poisoning;

/// <summary>A dataset as the checks read it: rows as word ids, labels as indexes.</summary>
internal sealed record AuditInput(IReadOnlyList<int[]> Rows, IReadOnlyList<int> Labels, IReadOnlyList<string> LabelNames, IReadOnlyList<int> RowNumbers, Vocabulary Vocabulary);

/// <summary>
/// Poisoning and integrity checks for a labelled dataset (fine-tuning set, classifier training data, RAG corpus with
/// tags): duplicates and near duplicates, label conflicts, backdoor triggers, likely mislabelled rows, outliers in
/// length and character mix, invisible or bidirectional Unicode, and instructions addressed to an AI hidden in the
/// text (given the prompt-attack rules). Deterministic for a seed.
/// </summary>
public sealed class DatasetAuditor(IReadOnlyList<Rule>? instructionRules = null, int seed = 20261124)
{
    /// <summary>Robust z-score (median and MAD) beyond which a row's length or character mix is an outlier.</summary>
    public const double OutlierZ = 6;

    private readonly TextDocumentScanner? _instructions = instructionRules is { Count: > 0 }
        ? new TextDocumentScanner(new PatternEngine(instructionRules), ScanLimits.Default, TimeProvider.System)
        : null;

    public DatasetAudit Audit(IReadOnlyList<LabeledRow> rows)
    {
        var vocabulary = new Vocabulary();
        var labelNames = rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var labelIndex = labelNames.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var input = new AuditInput(rows.Select(r => vocabulary.Encode(r.Text)).ToList(), rows.Select(r => labelIndex[r.Label]).ToList(),
            labelNames, rows.Select(r => r.Row).ToList(), vocabulary);

        var issues = new List<DatasetIssue>();
        issues.AddRange(DuplicateFinder.Find(input));
        issues.AddRange(TriggerFinder.Find(input));
        issues.AddRange(MislabelFinder.Find(input, seed));
        issues.AddRange(Outliers(rows, r => Math.Log(r.Text.Length + 1), minSpread: 0.25, DatasetIssueKind.LengthOutlier, "length"));
        issues.AddRange(Outliers(rows, LetterShare, minSpread: 0.05, DatasetIssueKind.CharacterOutlier, "share of letters and spaces"));
        issues.AddRange(rows.Where(r => InvisibleCharacters.Any(r.Text)).Select(r =>
            new DatasetIssue(DatasetIssueKind.InvisibleCharacters, [r.Row], "invisible, bidirectional or tag characters in the text", 0.8)));
        if (_instructions is not null)
        {
            foreach (var row in rows)
            {
                var rules = _instructions.ScanString(row.Text).Select(m => m.Rule.Id).Distinct(StringComparer.Ordinal).ToList();
                if (rules.Count > 0)
                    issues.Add(new DatasetIssue(DatasetIssueKind.HiddenInstruction, [row.Row], $"instruction addressed to an AI: {string.Join(", ", rules)}", 0.9));
            }
        }
        return new DatasetAudit(rows.Count, labelNames.ToDictionary(l => l, l => rows.Count(r => r.Label == l), StringComparer.Ordinal),
            issues.OrderBy(i => i.Kind).ThenByDescending(i => i.Score).ThenBy(i => i.Rows[0]).ToList());
    }

    private static double LetterShare(LabeledRow row) =>
        row.Text.Length == 0 ? 1 : (double)row.Text.Count(c => char.IsLetter(c) || c == ' ') / row.Text.Length;

    private static IEnumerable<DatasetIssue> Outliers(IReadOnlyList<LabeledRow> rows, Func<LabeledRow, double> measure, double minSpread, DatasetIssueKind kind, string what)
    {
        if (rows.Count < 20) yield break;
        var values = rows.Select(measure).ToArray();
        var median = Median(values);
        // A floor on the spread: templated data has almost none, and one comma would look like an anomaly.
        var mad = Math.Max(minSpread, Median(values.Select(v => Math.Abs(v - median)).ToArray()) * 1.4826);
        for (var i = 0; i < rows.Count; i++)
        {
            var z = (values[i] - median) / mad;
            if (Math.Abs(z) > OutlierZ) yield return new DatasetIssue(kind, [rows[i].Row], $"{what} is {Math.Abs(z):0.0} robust standard deviations from the median", Math.Min(1, Math.Abs(z) / 20));
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
