using System.Text;

namespace Bulwark.Tests.Data;

/// <summary>
/// Writes a token-classification model small enough to build in a test: the ONNX protobuf encoded by hand, one
/// <c>Gather(table, input_ids)</c> node, so each vocabulary id gets a fixed row of logits [1, N, labels]. Known
/// words get a logit of 5 on their label (softmax 0.96 against six zeros); every other id scores O.
/// </summary>
internal sealed class TinyNerModel
{
    public static readonly string[] BioLabels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"];

    /// <summary>Word → label; the ids follow the special tokens in this order.</summary>
    public static readonly (string Word, string Label)[] Words =
    [
        ("alice", "B-PER"), ("smith", "I-PER"), ("john", "B-PER"), ("##son", "I-PER"), ("angela", "B-PER"), ("merkel", "I-PER"),
        ("paris", "B-LOC"), ("germany", "B-LOC"), ("new", "B-LOC"), ("york", "I-LOC"),
        ("acme", "B-ORG"), ("corp", "I-ORG"), ("microsoft", "B-ORG"), ("united", "B-ORG"), ("nations", "I-ORG"),
        ("the", "O"), ("lives", "O"), ("in", "O"), ("and", "O"), ("works", "O"), ("at", "O"), ("please", "O"), ("forward", "O"),
        ("this", "O"), ("to", "O"), ("signed", "O"), ("letter", "O"), ("she", "O"), ("moved", "O"), ("last", "O"), ("year", "O"),
        ("shipping", "O"), ("from", "O"), ("he", "O"), ("a", "O"), ("grant", "O"), ("build", "O"), ("finished", "O"), ("two", "O"),
        ("minutes", "O"), (".", "O"), (",", "O"), ("met", "O"), ("maybe", "weak B-PER"),
    ];

    public static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];

    /// <summary>Fixed sequence length, or null for a dynamic axis.</summary>
    public int? SequenceLength { get; init; }
    public bool WithAttentionMask { get; init; } = true;
    public string InputName { get; init; } = "input_ids";
    public int InputElementType { get; init; } = Int64;
    /// <summary>Rows of the table (vocabulary size the model accepts); null: the vocabulary's size.</summary>
    public int? TableRows { get; init; }

    private const int Float = 1;
    public const int Int64 = 7;

    public static IReadOnlyList<string> Vocabulary => [.. Specials, .. Words.Select(w => w.Word)];

    /// <summary>Writes model.onnx, vocab.txt and labels.txt into <paramref name="directory"/>.</summary>
    public string WriteTo(string directory, IReadOnlyList<string>? labels = null, IReadOnlyList<string>? vocabulary = null)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "model.onnx"), Build());
        File.WriteAllLines(Path.Combine(directory, "vocab.txt"), vocabulary ?? Vocabulary);
        File.WriteAllLines(Path.Combine(directory, "labels.txt"), labels ?? BioLabels);
        return directory;
    }

    public byte[] Build()
    {
        var labelCount = BioLabels.Length;
        var rows = TableRows ?? Vocabulary.Count;
        var table = new float[rows * labelCount];
        for (var id = 0; id < rows; id++)
        {
            var label = id >= Specials.Length && id - Specials.Length < Words.Length ? Words[id - Specials.Length].Label : "O";
            var weak = label.StartsWith("weak ", StringComparison.Ordinal);
            table[id * labelCount + Array.IndexOf(BioLabels, weak ? label[5..] : label)] = weak ? 0.5f : 5f;
        }
        var raw = new byte[table.Length * 4];
        Buffer.BlockCopy(table, 0, raw, 0, raw.Length);

        var graph = new Proto()
            .Message(1, new Proto().String(1, "table").String(1, InputName).String(2, "logits").String(3, "gather").String(4, "Gather"))
            .String(2, "tiny-ner")
            .Message(5, new Proto().Varint(1, (ulong)rows).Varint(1, (ulong)labelCount).Varint(2, Float).String(8, "table").Bytes(9, raw))
            .Message(11, ValueInfo(InputName, InputElementType, [1, SequenceLength]));
        if (WithAttentionMask) graph.Message(11, ValueInfo("attention_mask", Int64, [1, SequenceLength]));
        graph.Message(12, ValueInfo("logits", Float, [1, SequenceLength, labelCount]));

        return new Proto()
            .Varint(1, 8) // ir_version
            .String(2, "bulwark-tests")
            .Message(7, graph)
            .Message(8, new Proto().Varint(2, 13)) // opset_import: default domain, opset 13
            .ToArray();
    }

    private static Proto ValueInfo(string name, int elementType, int?[] dims)
    {
        var shape = new Proto();
        foreach (var dim in dims)
            shape.Message(1, dim is { } value ? new Proto().Varint(1, (ulong)value) : new Proto().String(2, "sequence"));
        var tensor = new Proto().Varint(1, (ulong)elementType).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensor));
    }

    /// <summary>Just enough protobuf: varints and length-delimited fields.</summary>
    private sealed class Proto
    {
        private readonly List<byte> _bytes = [];

        public Proto Varint(int field, ulong value)
        {
            Raw(((ulong)field << 3) | 0);
            Raw(value);
            return this;
        }

        public Proto Bytes(int field, byte[] value)
        {
            Raw(((ulong)field << 3) | 2);
            Raw((ulong)value.Length);
            _bytes.AddRange(value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto value) => Bytes(field, value.ToArray());

        public byte[] ToArray() => [.. _bytes];

        private void Raw(ulong value)
        {
            do
            {
                var b = (byte)(value & 0x7F);
                value >>= 7;
                _bytes.Add(value == 0 ? b : (byte)(b | 0x80));
            }
            while (value != 0);
        }
    }
}
