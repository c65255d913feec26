using System.Text.Json;
using Bulwark.Tests.Data;

namespace Bulwark.Tests.Cli;

/// <summary><c>--ner-model</c> on the commands that run the PII detectors, with the test's own tiny ONNX model.</summary>
public class NerCommandTests
{
    [Fact]
    public void Detect_with_a_ner_model_reports_ner_rules_with_the_model_score()
    {
        using var dir = new TempDirectory();
        var model = new TinyNerModel { SequenceLength = 8 }.WriteTo(dir.Combine("ner"));
        var input = JsonSerializer.Serialize(new { id = 1, text = "Alice Smith moved to Paris." }) + "\n";

        var run = BulwarkProcess.Run(["detect", "--jsonl", "--ner-model", model], input).Expect(0);
        using var line = JsonDocument.Parse(run.Stdout);
        var findings = line.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var person = Assert.Single(findings, f => f.GetProperty("rule").GetString() == "BW-DATA-PII-NER-PERSON");
        Assert.Equal(("PERSON", 0, 11), (person.GetProperty("type").GetString(), person.GetProperty("start").GetInt32(), person.GetProperty("end").GetInt32()));
        Assert.Equal(Math.Exp(5) / (Math.Exp(5) + 6), person.GetProperty("score").GetDouble(), 3);
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "BW-DATA-PII-NER-LOCATION");

        // Without the option the NER pack is not loaded.
        var plain = BulwarkProcess.Run(["detect", "--jsonl"], input).Expect(0);
        Assert.DoesNotContain("NER", plain.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_and_rules_verify_take_the_model()
    {
        using var dir = new TempDirectory();
        var model = new TinyNerModel().WriteTo(dir.Combine("ner"));
        var redacted = BulwarkProcess.Run(["redact", "-", "--ner-model", model], "Angela Merkel met Johnson.").Expect(0);
        Assert.DoesNotContain("Merkel", redacted.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Johnson", redacted.Stdout, StringComparison.Ordinal);

        var verify = BulwarkProcess.Run(["rules", "verify", "--ner-model", model]).Expect(0);
        Assert.Contains("OK", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_ner_model_exits_2_with_a_clear_error()
    {
        using var dir = new TempDirectory();
        var missing = BulwarkProcess.Run(["scan", dir.Path, "--no-progress", "--ner-model", dir.Combine("nowhere")]).Expect(2);
        Assert.Contains("NER model directory", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);

        var wrongLabels = new TinyNerModel().WriteTo(dir.Combine("ner"), labels: ["O", "B-PER", "I-PER"]);
        var mismatch = BulwarkProcess.Run(["detect", "--jsonl", "--ner-model", wrongLabels], "").Expect(2);
        Assert.Contains("scores 7 labels per token", mismatch.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Scan_with_a_ner_model_reports_names_in_files()
    {
        using var dir = new TempDirectory();
        var model = new TinyNerModel().WriteTo(dir.Combine("ner"));
        dir.Write("docs/notes.txt", "Meeting notes: Alice Smith from Acme Corp will visit.\n");
        var run = BulwarkProcess.Run(["scan", dir.Combine("docs"), "--no-progress", "--format", "json", "--ner-model", model]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("BW-DATA-PII-NER-PERSON", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("BW-DATA-PII-NER-ORGANIZATION", run.Stdout, StringComparison.Ordinal);
    }
}
