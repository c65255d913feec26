using System.Text.Json;
using Bulwark.Kernel;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Bulwark.Data.Pii.Ner;

/// <summary>An entity a NER model found: its type (PERSON, LOCATION, …), UTF-16 offsets (end exclusive) and score.</summary>
public readonly record struct NerEntity(string EntityType, int Start, int End, double Score);

/// <summary>Tuning of a <see cref="NerModel"/>; the defaults suit BERT-style models.</summary>
public sealed record NerModelOptions
{
    /// <summary>Tokens per model call, <c>[CLS]</c>/<c>[SEP]</c> included; null: the model's fixed length, else
    /// <c>model_max_length</c> of <c>tokenizer_config.json</c>, else 512.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Tokens shared by neighbouring chunks; null: a quarter of a chunk.</summary>
    public int? Overlap { get; init; }

    /// <summary>Entities whose mean softmax score is lower are dropped.</summary>
    public double MinScore { get; init; } = 0.5;
}

/// <summary>
/// A token-classification ONNX model (docs/ner.md) loaded from a directory: <c>model.onnx</c>, <c>vocab.txt</c>
/// (WordPiece or word vocabulary) and the labels, from <c>labels.txt</c> (one a line) or the <c>id2label</c> of
/// <c>config.json</c>. Inputs are read from the model's metadata: <c>input_ids</c> (int64, [batch, sequence]) and
/// optionally <c>attention_mask</c> and <c>token_type_ids</c>; the output (<c>logits</c>, or the only one) is
/// float [batch, sequence, labels]. Text of any length is cut into overlapping chunks of the model's length, each
/// token read from the chunk where it has most context, and the BIO labels decoded to entities with the mean
/// softmax score of their words. Loading runs the model once on the highest vocabulary id, so a vocabulary or a
/// label list that does not belong to the model fails here, with a <see cref="BulwarkInputException"/>.
/// Thread-safe; dispose it when done.
/// </summary>
public sealed class NerModel : IDisposable
{
    public const string ModelFile = "model.onnx";
    public const string VocabularyFile = "vocab.txt";
    public const string LabelsFile = "labels.txt";
    public const string ConfigFile = "config.json";
    public const string TokenizerConfigFile = "tokenizer_config.json";

    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";
    private const int DefaultMaxLength = 512;

    private readonly InferenceSession _session;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _fixedLength;
    private readonly int _overlap;
    private readonly double _minScore;
    private readonly (bool Begin, string? Type)[] _labelTags;

    private NerModel(InferenceSession session, WordPieceTokenizer tokenizer, IReadOnlyList<string> labels, string[] inputNames, string outputName, int maxLength, bool fixedLength, NerModelOptions options)
    {
        _session = session;
        _tokenizer = tokenizer;
        Labels = labels;
        _inputNames = inputNames;
        _outputNames = [outputName];
        MaxLength = maxLength;
        _fixedLength = fixedLength;
        _minScore = options.MinScore;
        var body = maxLength - (tokenizer.ClsId is null ? 0 : 2);
        _overlap = Math.Clamp(options.Overlap ?? body / 4, 0, body - 1);
        _labelTags = labels.Select(ParseLabel).ToArray();
        EntityTypes = _labelTags.Where(t => t.Type is not null).Select(t => t.Type!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The model's labels, in output order (e.g. O, B-PER, I-PER, …).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Entity types the labels name, after mapping PER → PERSON, LOC/GPE → LOCATION, ORG → ORGANIZATION.</summary>
    public IReadOnlyList<string> EntityTypes { get; }

    /// <summary>Tokens per model call.</summary>
    public int MaxLength { get; }

    public static NerModel Load(string directory, NerModelOptions? options = null)
    {
        options ??= new NerModelOptions();
        if (!Directory.Exists(directory)) throw new BulwarkInputException($"NER model directory '{directory}' does not exist");
        var modelPath = Required(directory, ModelFile);
        var vocabularyPath = Required(directory, VocabularyFile);
        var (labels, labelsSource) = LoadLabels(directory);
        var tokenizerConfig = ReadJson(Path.Combine(directory, TokenizerConfigFile));
        bool? lowerCase = tokenizerConfig is { } tc && tc.TryGetProperty("do_lower_case", out var lc) && lc.ValueKind is JsonValueKind.True or JsonValueKind.False ? lc.GetBoolean() : null;
        WordPieceTokenizer tokenizer;
        try
        {
            tokenizer = WordPieceTokenizer.Load(vocabularyPath, lowerCase);
        }
        catch (IOException e)
        {
            throw new BulwarkInputException($"cannot read NER vocabulary '{vocabularyPath}': {e.Message}", e);
        }

        var session = OpenSession(modelPath);
        try
        {
            var (inputNames, outputName, fixedLength) = CheckSignature(session, modelPath, labels.Count, labelsSource);
            var maxLength = fixedLength ?? options.MaxLength ?? ModelMaxLength(tokenizerConfig) ?? DefaultMaxLength;
            if (fixedLength is { } f && options.MaxLength is { } wanted && wanted != f)
                throw new BulwarkInputException($"NER model '{modelPath}' takes exactly {f} tokens, not {wanted}");
            var specials = tokenizer.ClsId is null ? 0 : 2;
            if (maxLength < specials + 2) throw new BulwarkInputException($"NER model '{modelPath}': a length of {maxLength} tokens is too short");
            var model = new NerModel(session, tokenizer, labels, inputNames, outputName, maxLength, fixedLength is not null, options);
            model.Probe(modelPath, vocabularyPath, labelsSource);
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The entities in <paramref name="text"/>, ordered by start.</summary>
    public IReadOnlyList<NerEntity> Recognise(string text)
    {
        var words = new List<NerWord>();
        var ids = new List<long>();
        _tokenizer.Tokenize(text, words, ids);
        if (words.Count == 0) return [];

        var isFirst = new bool[ids.Count];
        foreach (var word in words) isFirst[word.FirstToken] = true;
        var labels = new int[ids.Count];
        var scores = new float[ids.Count];
        var context = new int[ids.Count];
        Array.Fill(context, -1);

        var specials = _tokenizer.ClsId is null ? 0 : 2;
        var body = MaxLength - specials;
        var stride = body - _overlap;
        using var runOptions = new RunOptions();
        for (var start = 0; ; start += stride)
        {
            var end = Math.Min(ids.Count, start + body);
            var logits = Run(runOptions, ids, start, end, out var labelCount);
            for (var i = start; i < end; i++)
            {
                if (!isFirst[i]) continue;
                // Read each token where it has the most context on both sides; the text's own edges count as full.
                var left = start == 0 ? int.MaxValue : i - start;
                var right = end == ids.Count ? int.MaxValue : end - 1 - i;
                var here = Math.Min(left, right);
                if (here <= context[i]) continue;
                context[i] = here;
                (labels[i], scores[i]) = ArgMaxSoftmax(logits.AsSpan((i - start + specials / 2) * labelCount, labelCount));
            }
            if (end == ids.Count) break;
        }
        return Decode(words, labels, scores);
    }

    public void Dispose() => _session.Dispose();

    private List<NerEntity> Decode(List<NerWord> words, int[] labels, float[] scores)
    {
        var entities = new List<NerEntity>();
        string? type = null;
        int first = 0, last = 0;
        double sum = 0;
        foreach (var (word, index) in words.Select((w, i) => (w, i)))
        {
            var (begin, wordType) = _labelTags[labels[word.FirstToken]];
            if (type is not null && (wordType != type || begin)) Close();
            if (wordType is null) continue;
            // I- after O or after another type starts an entity too (lenient, as Hugging Face's "simple" strategy).
            if (type is null) (type, first, sum) = (wordType, index, 0);
            last = index;
            sum += scores[word.FirstToken];
        }
        Close();
        return entities;

        void Close()
        {
            if (type is null) return;
            var score = sum / (last - first + 1);
            if (score >= _minScore) entities.Add(new NerEntity(type, words[first].Start, words[last].End, Math.Round(score, 4)));
            type = null;
        }
    }

    private float[] Run(RunOptions runOptions, List<long> ids, int start, int end, out int labelCount)
    {
        var cls = _tokenizer.ClsId;
        var length = end - start + (cls is null ? 0 : 2);
        var width = _fixedLength ? MaxLength : length;
        var inputIds = new long[width];
        var mask = new long[width];
        var at = 0;
        if (cls is { } c) inputIds[at++] = c;
        for (var i = start; i < end; i++) inputIds[at++] = ids[i];
        if (_tokenizer.SepId is { } s) inputIds[at++] = s;
        Array.Fill(mask, 1, 0, at);
        Array.Fill(inputIds, _tokenizer.PadId, at, width - at);

        long[] shape = [1, width];
        var values = new List<OrtValue>(_inputNames.Length);
        try
        {
            foreach (var name in _inputNames)
            {
                var data = name switch
                {
                    InputIds => inputIds,
                    AttentionMask => mask,
                    _ => new long[width], // token_type_ids: one segment
                };
                values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }
            using var outputs = _session.Run(runOptions, _inputNames, values, _outputNames);
            var output = outputs[0];
            var outShape = output.GetTensorTypeAndShape().Shape;
            if (outShape.Length != 3 || outShape[0] != 1 || outShape[1] != width || outShape[2] != Labels.Count)
                throw new BulwarkInputException($"NER model output '{_outputNames[0]}' has shape [{string.Join(", ", outShape)}]; expected [1, {width}, {Labels.Count}] (batch, tokens, labels)");
            labelCount = Labels.Count;
            return output.GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>One call on the highest vocabulary id: a vocabulary larger than the model's embedding fails here,
    /// and so does an output that does not hold one score per label.</summary>
    private void Probe(string modelPath, string vocabularyPath, string labelsSource)
    {
        using var runOptions = new RunOptions();
        try
        {
            _ = Run(runOptions, [_tokenizer.Count - 1], 0, 1, out _);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BulwarkInputException($"NER model '{modelPath}' failed on token id {_tokenizer.Count - 1}, the last of the {_tokenizer.Count} in '{vocabularyPath}': does the vocabulary belong to this model? ({FirstLine(e.Message)})", e);
        }
        catch (BulwarkInputException e)
        {
            throw new BulwarkInputException($"{e.Message}; labels from '{labelsSource}' ({Labels.Count})", e);
        }
    }

    private static InferenceSession OpenSession(string modelPath)
    {
        try
        {
            return new InferenceSession(modelPath);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BulwarkInputException($"cannot load NER model '{modelPath}': {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new BulwarkInputException($"ONNX Runtime cannot start on this platform, so the NER model cannot be used: {FirstLine(e.Message)}", e);
        }
    }

    private static (string[] Inputs, string Output, int? FixedLength) CheckSignature(InferenceSession session, string modelPath, int labelCount, string labelsSource)
    {
        var inputs = session.InputMetadata;
        if (!inputs.ContainsKey(InputIds))
            throw new BulwarkInputException($"NER model '{modelPath}' has no '{InputIds}' input (inputs: {string.Join(", ", inputs.Keys)}); export a token-classification model (docs/ner.md)");
        int? fixedLength = null;
        foreach (var (name, meta) in inputs)
        {
            if (name is not (InputIds or AttentionMask or TokenTypeIds))
                throw new BulwarkInputException($"NER model '{modelPath}' has an input '{name}' that Bulwark cannot fill (it fills {InputIds}, {AttentionMask}, {TokenTypeIds})");
            if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Int64 || meta.Dimensions.Length != 2)
                throw new BulwarkInputException($"NER model '{modelPath}': input '{name}' must be an int64 tensor [batch, tokens], not {Describe(meta)}");
            if (meta.Dimensions[0] > 1)
                throw new BulwarkInputException($"NER model '{modelPath}': input '{name}' has a fixed batch of {meta.Dimensions[0]}; Bulwark sends one sequence (export with a dynamic or unit batch axis)");
            if (meta.Dimensions[1] > 0)
            {
                if (fixedLength is { } other && other != meta.Dimensions[1])
                    throw new BulwarkInputException($"NER model '{modelPath}': inputs disagree on the sequence length ({other} and {meta.Dimensions[1]})");
                fixedLength = meta.Dimensions[1];
            }
        }

        var outputs = session.OutputMetadata;
        var outputName = outputs.ContainsKey("logits") ? "logits"
            : outputs.Count == 1 ? outputs.Keys.First()
            : throw new BulwarkInputException($"NER model '{modelPath}' has outputs {string.Join(", ", outputs.Keys)}; expected one named 'logits'");
        var output = outputs[outputName];
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 3)
            throw new BulwarkInputException($"NER model '{modelPath}': output '{outputName}' must be a float tensor [batch, tokens, labels], not {Describe(output)}");
        if (output.Dimensions[2] > 0 && output.Dimensions[2] != labelCount)
            throw new BulwarkInputException($"NER model '{modelPath}' scores {output.Dimensions[2]} labels per token, but '{labelsSource}' lists {labelCount}");
        // The ids first, so that a run can build the inputs in metadata order.
        return (inputs.Keys.ToArray(), outputName, fixedLength);
    }

    private static string Describe(NodeMetadata meta) =>
        meta.IsTensor ? $"{meta.ElementDataType} [{string.Join(", ", meta.Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]" : meta.OnnxValueType.ToString();

    private static (IReadOnlyList<string> Labels, string Source) LoadLabels(string directory)
    {
        var labelsPath = Path.Combine(directory, LabelsFile);
        List<string> labels;
        string source;
        if (File.Exists(labelsPath))
        {
            labels = File.ReadAllLines(labelsPath).Select(l => l.Trim()).ToList();
            while (labels.Count > 0 && labels[^1].Length == 0) labels.RemoveAt(labels.Count - 1);
            source = labelsPath;
        }
        else
        {
            var configPath = Path.Combine(directory, ConfigFile);
            var config = ReadJson(configPath) ?? throw new BulwarkInputException($"NER model directory '{directory}' has neither {LabelsFile} nor {ConfigFile} with id2label");
            if (!config.TryGetProperty("id2label", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new BulwarkInputException($"'{configPath}' has no id2label object (or give {LabelsFile}, one label a line)");
            var byId = new SortedDictionary<int, string>();
            foreach (var entry in map.EnumerateObject())
            {
                if (!int.TryParse(entry.Name, out var id) || entry.Value.ValueKind != JsonValueKind.String)
                    throw new BulwarkInputException($"'{configPath}': id2label entry '{entry.Name}' is not an integer id with a string label");
                byId[id] = entry.Value.GetString()!;
            }
            if (byId.Count == 0 || byId.Keys.First() != 0 || byId.Keys.Last() != byId.Count - 1)
                throw new BulwarkInputException($"'{configPath}': id2label ids must run from 0 without gaps");
            labels = [.. byId.Values];
            source = configPath;
        }
        if (labels.Count == 0) throw new BulwarkInputException($"NER labels '{source}' are empty");
        foreach (var label in labels)
        {
            if (label.Length == 0) throw new BulwarkInputException($"NER labels '{source}' hold an empty label");
            if (label != "O" && !(label.Length > 2 && label[0] is 'B' or 'I' && label[1] is '-' or '_'))
                throw new BulwarkInputException($"NER label '{label}' in '{source}' is not BIO (O, B-TYPE, I-TYPE)");
        }
        return (labels, source);
    }

    private static (bool Begin, string? Type) ParseLabel(string label) =>
        label == "O" ? (false, null) : (label[0] == 'B', EntityType(label[2..]));

    /// <summary>Maps the usual NER tag sets to Presidio's entity names; other types keep their upper-case name.</summary>
    public static string EntityType(string tag) => tag.ToUpperInvariant() switch
    {
        "PER" or "PERSON" => "PERSON",
        "LOC" or "LOCATION" or "GPE" => "LOCATION",
        "ORG" or "ORGANIZATION" or "ORGANISATION" => "ORGANIZATION",
        var other => other,
    };

    private static int? ModelMaxLength(JsonElement? tokenizerConfig) =>
        tokenizerConfig is { } tc && tc.TryGetProperty("model_max_length", out var m) && m.TryGetInt64(out var value) && value is >= 8 and <= 65536 ? (int)value : null;

    private static JsonElement? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new BulwarkInputException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static string Required(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path)) throw new BulwarkInputException($"NER model directory '{directory}' has no {file} (docs/ner.md lists the files)");
        return path;
    }

    private static (int Label, float Score) ArgMaxSoftmax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best]) best = i;
        }
        double sum = 0;
        foreach (var l in logits) sum += Math.Exp(l - logits[best]);
        return (best, (float)(1 / sum));
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
