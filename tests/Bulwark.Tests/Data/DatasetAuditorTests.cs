using Bulwark.Data.Poisoning;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Data;

public class DatasetAuditorTests
{
    private static readonly string Sample = Path.Combine(Bulwark.Eval.RepositoryPaths.Root, "samples", "insecure-genai-app", "data", "support-intents.csv");

    [Fact]
    public void The_sample_dataset_shows_every_planted_problem()
    {
        var rows = LabeledDataset.Read(Sample, "text", "intent");
        var promptRules = RuleCatalog.Load().Rules.Where(r => r.Family == "prompt-attack").ToList();
        var audit = new DatasetAuditor(promptRules).Audit(rows);
        string Text(int row) => rows.Single(r => r.Row == row).Text;

        var trigger = Assert.Single(audit.Issues, i => i.Kind == DatasetIssueKind.BackdoorTrigger);
        Assert.Contains("'zx9'", trigger.Message, StringComparison.Ordinal);
        Assert.All(trigger.Rows, r => Assert.Contains("zx9", Text(r), StringComparison.Ordinal));
        Assert.Equal(5, trigger.Rows.Count);
        Assert.Contains(audit.Issues, i => i.Kind == DatasetIssueKind.ConflictingLabels && i.Rows.All(r => Text(r) == "I was billed twice this month."));
        Assert.Contains(audit.Issues, i => i.Kind == DatasetIssueKind.LikelyMislabeled && Text(i.Rows[0]) == "Can we get a demo for schools?");
        Assert.Contains(audit.Issues, i => i.Kind == DatasetIssueKind.InvisibleCharacters);
        Assert.Contains(audit.Issues, i => i.Kind == DatasetIssueKind.HiddenInstruction && Text(i.Rows[0]).StartsWith("Ignore all previous", StringComparison.Ordinal));
        Assert.DoesNotContain(audit.Issues, i => i.Kind is DatasetIssueKind.LengthOutlier or DatasetIssueKind.CharacterOutlier);
    }

    [Fact]
    public void Near_duplicates_are_grouped_and_distinct_rows_are_not()
    {
        var rows = new List<LabeledRow>
        {
            new(1, "The quick brown fox jumps over the lazy dog near the river bank today", "a"),
            new(2, "The quick brown fox jumps over the lazy dog near the river bank today!", "a"),
            new(3, "the QUICK brown fox jumps over the lazy dog near the river bank tonight", "b"),
            new(4, "A completely different sentence about accounting software and invoices", "a"),
        };
        var audit = new DatasetAuditor().Audit(rows);
        var conflict = Assert.Single(audit.Issues, i => i.Kind == DatasetIssueKind.ConflictingLabels);
        Assert.Equal([1, 2, 3], conflict.Rows.Order());
    }

    [Fact]
    public void Csv_fields_with_quotes_separators_and_line_breaks_read_back_exactly()
    {
        var random = new Random(5);
        for (var round = 0; round < 200; round++)
        {
            var texts = Enumerable.Range(0, 5).Select(_ => new string(Enumerable.Range(0, random.Next(0, 20)).Select(_ => "ab,\"\n é;x"[random.Next(9)]).ToArray())).ToList();
            var csv = "text,label\n" + string.Join("\n", texts.Select((t, i) => $"\"{t.Replace("\"", "\"\"", StringComparison.Ordinal)}\",l{i}"));
            var rows = LabeledDataset.ReadDelimited(new StringReader(csv), ',', "text", "label", "t.csv");
            Assert.Equal(texts, rows.Select(r => r.Text));
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"l{i}"), rows.Select(r => r.Label));
        }
    }

    [Theory]
    [InlineData("text,label\n\"open quote,x\n", "unterminated quoted field")]
    [InlineData("words,label\nhello,x\n", "header has no 'text' column")]
    [InlineData("text,label\nonly-one-field\n", "1 field(s), the header has 2")]
    public void Bad_csv_is_refused_with_the_line(string csv, string expected)
    {
        var error = Assert.Throws<BulwarkInputException>(() => LabeledDataset.ReadDelimited(new StringReader(csv), ',', "text", "label", "t.csv"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_json_lines_name_the_line()
    {
        var error = Assert.Throws<BulwarkInputException>(() => LabeledDataset.ReadJsonLines(new StringReader("{\"text\":\"a\",\"label\":\"x\"}\n{\"text\": 5}\n"), "text", "label", "d.jsonl"));
        Assert.Contains("d.jsonl:2: no field 'label'", error.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public void Planted_triggers_and_flipped_labels_are_found_with_few_false_alarms()
    {
        var result = Bulwark.Eval.PoisoningEvaluation.Run(Bulwark.Eval.RepositoryPaths.Shared!);
        Assert.True(result.TriggerRecall >= 0.9, $"trigger recall {result.TriggerRecall:P1}");
        Assert.True(result.FlipRecall >= 0.9, $"flip recall {result.FlipRecall:P1}");
        Assert.True(result.FalseAlarmRate <= 0.01, $"false alarms {result.FalseAlarmRate:P2}");
    }
}
