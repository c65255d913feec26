using System.Globalization;
using System.Text;
using Bulwark.Models;

namespace Bulwark.Eval;

/// <summary>One labelled file of the picklescan corpus and what the scan said.</summary>
public sealed record ModelScanCase(string Path, string Label, string Container, ModelFileResult Result)
{
    public bool Malicious => Label == "malicious";

    public bool Flagged => Result.Verdict == ModelVerdict.Malicious;
}

/// <summary>
/// <c>bulwark model scan</c>'s accuracy on picklescan's own test corpus
/// (<c>../shared/datasets/picklescan_model_files</c>: 95 malicious, 14 benign files; labels.csv). The files are
/// scanned by the same <see cref="ModelScanner"/> the command runs, statically: nothing is ever unpickled. Target:
/// every malicious file flagged malicious, no benign file flagged malicious.
/// </summary>
public static class ModelScanEvaluation
{
    public static IReadOnlyList<ModelScanCase> Run(string shared)
    {
        var corpus = Path.Combine(shared, "datasets", "picklescan_model_files");
        var scanner = new ModelScanner();
        var cases = new List<ModelScanCase>();
        foreach (var row in File.ReadLines(Path.Combine(corpus, "labels.csv")).Skip(1))
        {
            // path, label and container come first and are never quoted; the free-text columns after them are not read.
            var cells = row.Split(',', 4);
            cases.Add(new ModelScanCase(cells[0], cells[1], cells[2], scanner.ScanFile(Path.Combine(corpus, cells[0]))));
        }
        return cases;
    }

    public static string ToMarkdown(IReadOnlyList<ModelScanCase> cases)
    {
        var c = CultureInfo.InvariantCulture;
        var malicious = cases.Where(x => x.Malicious).ToList();
        var benign = cases.Where(x => !x.Malicious).ToList();
        var md = new StringBuilder();
        md.AppendLine("# Model scanning: the picklescan corpus").AppendLine();
        md.AppendLine("`dotnet run --project eval/Bulwark.Eval -c Release -- models` scans every file of `../shared/datasets/picklescan_model_files`")
          .AppendLine("(picklescan's test data: pickles, PyTorch zip and legacy checkpoints, NumPy, zip and 7z wrappers, ~45 reproducers of")
          .AppendLine("published blocklist bypasses) with the scanner `bulwark model scan` runs, and compares each verdict with `labels.csv`.")
          .AppendLine("Nothing is unpickled.").AppendLine();
        md.AppendLine("| | files | flagged malicious | rate |").AppendLine("|---|---:|---:|---:|");
        md.AppendLine(c, $"| malicious | {malicious.Count} | {malicious.Count(x => x.Flagged)} | **{Rate(malicious.Count(x => x.Flagged), malicious.Count)}** |");
        md.AppendLine(c, $"| benign | {benign.Count} | {benign.Count(x => x.Flagged)} | **{Rate(benign.Count(x => x.Flagged), benign.Count)}** |").AppendLine();
        md.AppendLine(c, $"Targets: 100 % of malicious files flagged — **{(malicious.All(x => x.Flagged) ? "met" : "not met")}**; no benign file flagged malicious — **{(benign.Any(x => x.Flagged) ? "not met" : "met")}**.").AppendLine();

        md.AppendLine("## By container").AppendLine().AppendLine("| container | malicious flagged | benign verdicts |").AppendLine("|---|---:|---|");
        foreach (var group in cases.GroupBy(x => x.Container).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var bad = group.Where(x => x.Malicious).ToList();
            var good = group.Where(x => !x.Malicious).Select(x => ModelReportWriter.VerdictName(x.Result.Verdict));
            md.AppendLine(c, $"| {group.Key} | {bad.Count(x => x.Flagged)} / {bad.Count} | {string.Join(", ", good.GroupBy(v => v).Select(v => $"{v.Count()} {v.Key}"))} |");
        }
        md.AppendLine().AppendLine("## Every file").AppendLine();
        md.AppendLine("| file | label | format | verdict | rules (first evidence) |").AppendLine("|---|---|---|---|---|");
        foreach (var x in cases.OrderBy(x => x.Path, StringComparer.Ordinal))
        {
            var rules = string.Join("; ", x.Result.Issues.GroupBy(i => i.RuleId).Select(g => $"{g.Key.Replace("BW-MODEL-", "", StringComparison.Ordinal)} ({Cell(g.First().Evidence)})"));
            var mark = x.Malicious == x.Flagged ? "" : " ✗";
            md.AppendLine(c, $"| `{x.Path}` | {x.Label} | {x.Result.Format} | {ModelReportWriter.VerdictName(x.Result.Verdict)}{mark} | {rules} |");
        }
        return md.ToString();
    }

    private static string Rate(int part, int whole) => whole == 0 ? "—" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Cell(string text)
    {
        var line = text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        return line.Length > 60 ? line[..60] + "…" : line;
    }
}
