using System.Text;
using Bulwark.Data;
using Bulwark.Data.Pii.Ner;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Tests.Data;

/// <summary>The optional NER recogniser, on a model the test writes itself (<see cref="TinyNerModel"/>) and runs
/// through the real ONNX Runtime.</summary>
public sealed class NerModelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(TinyNerModel model, string name = "model", IReadOnlyList<string>? labels = null, IReadOnlyList<string>? vocabulary = null) =>
        model.WriteTo(_dir.Combine(name), labels, vocabulary);

    private static (string Type, string Text)[] Spans(string text, IEnumerable<NerEntity> entities) =>
        entities.Select(e => (e.EntityType, text[e.Start..e.End])).ToArray();

    [Fact]
    public void Finds_people_places_and_organisations_with_offsets_and_scores()
    {
        using var model = NerModel.Load(Write(new TinyNerModel()));
        const string text = "Alice Smith lives in Paris and works at Acme Corp. She met Johnson in New York.";
        var entities = model.Recognise(text);

        Assert.Equal(
            [("PERSON", "Alice Smith"), ("LOCATION", "Paris"), ("ORGANIZATION", "Acme Corp"), ("PERSON", "Johnson"), ("LOCATION", "New York")],
            Spans(text, entities));
        Assert.Equal((0, 11), (entities[0].Start, entities[0].End));
        Assert.Equal(text.IndexOf("Acme", StringComparison.Ordinal), entities[2].Start);
        // Logit 5 against six zeros: e^5 / (e^5 + 6).
        var expected = Math.Exp(5) / (Math.Exp(5) + 6);
        Assert.All(entities, e => Assert.Equal(expected, e.Score, 3));
        Assert.Equal(["LOCATION", "ORGANIZATION", "PERSON"], model.EntityTypes);
    }

    [Fact]
    public void A_word_piece_word_takes_the_label_of_its_first_piece_and_unknown_words_are_outside()
    {
        using var model = NerModel.Load(Write(new TinyNerModel()));
        const string text = "zebra Johnson, quux";
        Assert.Equal([("PERSON", "Johnson")], Spans(text, model.Recognise(text)));
    }

    [Fact]
    public void Entities_below_the_minimum_score_are_dropped()
    {
        var dir = Write(new TinyNerModel());
        const string text = "maybe Alice";
        using var strict = NerModel.Load(dir);
        Assert.Equal([("PERSON", "Alice")], Spans(text, strict.Recognise(text)));
        using var lenient = NerModel.Load(dir, new NerModelOptions { MinScore = 0.1 });
        // "maybe" scores B-PER at 0.22; Alice begins a new entity (B-PER).
        Assert.Equal([("PERSON", "maybe"), ("PERSON", "Alice")], Spans(text, lenient.Recognise(text)));
    }

    [Theory]
    [InlineData(8, null)]    // a fixed [1, 8] input: [CLS] + 6 tokens + [SEP], padded
    [InlineData(null, 8)]    // a dynamic axis cut to 8 by the options
    [InlineData(null, 5)]
    public void Text_longer_than_the_model_is_chunked_without_losing_or_splitting_entities(int? fixedLength, int? maxLength)
    {
        using var model = NerModel.Load(Write(new TinyNerModel { SequenceLength = fixedLength }), new NerModelOptions { MaxLength = maxLength });
        Assert.Equal(8 - (maxLength is 5 ? 3 : 0), model.MaxLength);

        // Entities at every phase against the chunk boundaries, so some straddle two chunks.
        var text = new StringBuilder();
        var expected = new List<(string, string)>();
        string[] fillers = ["the", "build", "finished", "in", "two", "minutes", "."];
        for (var i = 0; i < 40; i++)
        {
            for (var f = 0; f <= i % 5; f++) text.Append(fillers[(i + f) % fillers.Length]).Append(' ');
            var (type, value) = (i % 3) switch
            {
                0 => ("PERSON", "Alice Smith"),
                1 => ("ORGANIZATION", "United Nations"),
                _ => ("LOCATION", "New York"),
            };
            text.Append(value).Append(" , ");
            expected.Add((type, value));
        }
        var s = text.ToString();
        var entities = model.Recognise(s);
        Assert.Equal(expected, Spans(s, entities));
        Assert.True(entities.Zip(entities.Skip(1)).All(p => p.First.End < p.Second.Start));
        Assert.True(s.Split(' ').Length > 5 * model.MaxLength, "the text must need many chunks");
    }

    [Fact]
    public void Labels_can_come_from_the_id2label_of_config_json()
    {
        var dir = Write(new TinyNerModel());
        File.Delete(Path.Combine(dir, "labels.txt"));
        var id2label = string.Join(", ", TinyNerModel.BioLabels.Select((l, i) => $"\"{i}\": \"{l}\""));
        File.WriteAllText(Path.Combine(dir, "config.json"), "{\"id2label\": {" + id2label + "}}");
        using var model = NerModel.Load(dir);
        Assert.Equal(TinyNerModel.BioLabels, model.Labels);
    }

    [Fact]
    public void The_detector_reports_ner_rules_with_the_model_score_only_when_a_model_is_given()
    {
        using var model = NerModel.Load(Write(new TinyNerModel()));
        var catalog = RuleCatalog.Load(includeNer: true);
        var detector = new TextDetector(catalog.Rules, ScanLimits.Default, TimeProvider.System, model);
        var findings = detector.ScanText("Contact Angela Merkel at alice.smith@correio-norte.pt in Germany.");
        var person = Assert.Single(findings, f => f.RuleId == "BW-DATA-PII-NER-PERSON");
        Assert.Equal("PERSON", person.EntityType);
        Assert.Equal(Math.Exp(5) / (Math.Exp(5) + 6), person.Score, 3);
        Assert.Equal(9, person.Location.Column);
        Assert.Contains(findings, f => f.RuleId == "BW-DATA-PII-NER-LOCATION");
        Assert.Contains(findings, f => f.EntityType == "EMAIL_ADDRESS");

        // Not configured: the default rules hold no NER rule, and a NER rule without a model is an input error.
        Assert.DoesNotContain(RuleCatalog.Load().Rules, r => Bulwark.Data.Pii.Recognisers.IsNer(r.Detector));
        var ner = catalog.Rules.Where(r => Bulwark.Data.Pii.Recognisers.IsNer(r.Detector)).ToList();
        Assert.Equal(3, ner.Count);
        var e = Assert.Throws<BulwarkInputException>(() => new TextDetector(ner, ScanLimits.Default, TimeProvider.System));
        Assert.Contains("--ner-model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ner_rules_pass_their_self_tests_with_a_model()
    {
        using var model = NerModel.Load(Write(new TinyNerModel { SequenceLength = 8 }));
        var rules = RuleCatalog.Load(includeEmbedded: false, includeNer: true).Rules;
        Assert.Empty(RuleVerifier.Verify(rules, ner: model));
    }

    [Fact]
    public void A_missing_directory_or_file_is_an_input_error()
    {
        AssertInputError(() => NerModel.Load(_dir.Combine("nowhere")), "does not exist");
        var dir = Write(new TinyNerModel());
        File.Delete(Path.Combine(dir, "vocab.txt"));
        AssertInputError(() => NerModel.Load(dir), "has no vocab.txt");
    }

    [Fact]
    public void A_labels_file_that_does_not_match_the_output_is_an_input_error()
    {
        var dir = Write(new TinyNerModel(), labels: ["O", "B-PER", "I-PER"]);
        AssertInputError(() => NerModel.Load(dir), "scores 7 labels per token, but");

        // Labels must be BIO tags.
        var bio = Write(new TinyNerModel(), "bio", labels: ["O", "B-PER", "PERSON", "I-LOC", "B-LOC", "I-ORG", "B-ORG"]);
        AssertInputError(() => NerModel.Load(bio), "is not BIO");
    }

    [Fact]
    public void A_vocabulary_larger_than_the_model_is_an_input_error()
    {
        var dir = Write(new TinyNerModel { TableRows = 10 });
        AssertInputError(() => NerModel.Load(dir), "does the vocabulary belong to this model?");
    }

    [Fact]
    public void Inputs_the_model_cannot_take_are_input_errors()
    {
        AssertInputError(() => NerModel.Load(Write(new TinyNerModel { InputName = "tokens" }, "a")), "has no 'input_ids' input");
        AssertInputError(() => NerModel.Load(Write(new TinyNerModel { InputElementType = 6, WithAttentionMask = false }, "b")), "must be an int64 tensor");
        var garbage = Write(new TinyNerModel(), "c");
        File.WriteAllText(Path.Combine(garbage, "model.onnx"), "not a model");
        AssertInputError(() => NerModel.Load(garbage), "cannot load NER model");
    }

    private static void AssertInputError(Func<NerModel> load, string expected)
    {
        var e = Assert.Throws<BulwarkInputException>(() => load().Dispose());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
