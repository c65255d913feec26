using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bulwark.Eval;
using Bulwark.Models.Bom;
using Bulwark.Tests.Cli;

namespace Bulwark.Tests.Models.Bom;

public class AiBomTests
{
    private static byte[] Safetensors()
    {
        var header = Encoding.UTF8.GetBytes("""{"embed.weight":{"dtype":"F32","shape":[10,4],"data_offsets":[0,160]},"lm_head.weight":{"dtype":"BF16","shape":[4,10],"data_offsets":[160,240]},"__metadata__":{"format":"pt"}}""");
        var bytes = new byte[8 + header.Length + 240];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static TempDirectory AuthoredModel()
    {
        var dir = new TempDirectory();
        dir.WriteBytes("tiny-llama/model.safetensors", Safetensors());
        dir.Write("tiny-llama/config.json", """{"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4}""");
        dir.Write("tiny-llama/README.md", """
            ---
            license: apache-2.0
            datasets:
            - wikitext
            - allenai/c4
            pipeline_tag: text-generation
            language: en
            ---
            # Tiny llama

            ## Intended uses

            Testing bills of materials.

            ## Limitations and bias

            It knows nothing at all.
            """);
        dir.Write("tiny-llama/tokenizer/tokenizer.json", "{}");
        return dir;
    }

    [Fact]
    public void An_authored_safetensors_model_gets_its_hashes_parameters_and_model_card()
    {
        using var dir = AuthoredModel();
        var bom = JsonDocument.Parse(AiBom.ToJson(AiBom.Create(dir.Combine("tiny-llama")))).RootElement;
        Assert.Equal("CycloneDX", bom.GetProperty("bomFormat").GetString());
        Assert.Equal("1.6", bom.GetProperty("specVersion").GetString());
        Assert.StartsWith("urn:uuid:", bom.GetProperty("serialNumber").GetString(), StringComparison.Ordinal);
        Assert.Equal("bulwark", bom.GetProperty("metadata").GetProperty("tools").GetProperty("components")[0].GetProperty("name").GetString());

        var model = Assert.Single(bom.GetProperty("components").EnumerateArray());
        Assert.Equal("machine-learning-model", model.GetProperty("type").GetString());
        Assert.Equal("tiny-llama", model.GetProperty("name").GetString());
        var sha = Convert.ToHexStringLower(SHA256.HashData(Safetensors()));
        Assert.Equal(sha, model.GetProperty("hashes")[0].GetProperty("content").GetString());
        var file = Assert.Single(model.GetProperty("components").EnumerateArray());
        Assert.Equal(("file", "model.safetensors", sha), (file.GetProperty("type").GetString(), file.GetProperty("name").GetString(), file.GetProperty("hashes")[0].GetProperty("content").GetString()));
        Assert.Equal("Apache-2.0", model.GetProperty("licenses")[0].GetProperty("license").GetProperty("id").GetString());

        var parameters = model.GetProperty("modelCard").GetProperty("modelParameters");
        Assert.Equal("text-generation", parameters.GetProperty("task").GetString());
        Assert.Equal("llama", parameters.GetProperty("architectureFamily").GetString());
        Assert.Equal("LlamaForCausalLM", parameters.GetProperty("modelArchitecture").GetString());
        Assert.Equal(["wikitext", "allenai/c4"], parameters.GetProperty("datasets").EnumerateArray().Select(d => d.GetProperty("name").GetString()));
        var considerations = model.GetProperty("modelCard").GetProperty("considerations");
        Assert.Equal("Testing bills of materials.", considerations.GetProperty("useCases")[0].GetString());
        Assert.Equal("It knows nothing at all.", considerations.GetProperty("technicalLimitations")[0].GetString());

        var properties = model.GetProperty("properties").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("value").GetString());
        Assert.Equal("80", properties["bulwark:model:parameterCount"]); // 10×4 + 4×10
        Assert.Equal("safetensors", properties["bulwark:model:format"]);
    }

    [SharedDataFact]
    public void The_bom_validates_against_the_CycloneDX_1_6_schema()
    {
        using var dir = AuthoredModel();
        dir.WriteBytes("tiny-llama/gguf/model.gguf", Gguf(withParameterCount: true));
        dir.WriteBytes("tiny-llama/legacy/pytorch_model.bin", [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E]);
        dir.Write("tiny-llama/other/README.md", "---\nlicense: other\nlicense_name: tiny-license\n---\n");
        dir.WriteBytes("tiny-llama/other/model.onnx", [0x08, 0x07, 0x12, 0x00]);
        var output = dir.Combine("bom.json");
        BulwarkProcess.Run("model", "bom", dir.Combine("tiny-llama"), "--output", output).Expect(0);
        var json = File.ReadAllText(output);

        // The CycloneDX schema refers to spdx.schema.json and jsf-0.82.schema.json beside it: loading from the file resolves them.
        var schema = NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(RepositoryPaths.Shared!, "schemas", "bom-1.6.schema.json")).GetAwaiter().GetResult();
        var errors = schema.Validate(json);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind} {e}")));
        // The validation bites: a hash algorithm or SPDX id outside the schema's enumerations fails.
        Assert.NotEmpty(schema.Validate(json.Replace("\"SHA-256\"", "\"SHA256\"", StringComparison.Ordinal)));
        Assert.NotEmpty(schema.Validate(json.Replace("\"Apache-2.0\"", "\"Apache-2\"", StringComparison.Ordinal)));

        var components = JsonDocument.Parse(json).RootElement.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(["tiny-llama", "gguf", "legacy", "other"], components.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("tiny-license", components[3].GetProperty("licenses")[0].GetProperty("license").GetProperty("name").GetString());
    }

    [Fact]
    public void Formats_are_detected_by_content()
    {
        Assert.Equal("safetensors", WeightFiles.Detect(Safetensors(), Safetensors().Length, "x.bin").Format);
        Assert.Equal("gguf", WeightFiles.Detect("GGUF\x03\0\0\0"u8, 100, "model.bin").Format);
        Assert.Equal("pytorch-zip", WeightFiles.Detect("PK\x03\x04"u8, 100, "model.pt").Format);
        Assert.Equal("keras-zip", WeightFiles.Detect("PK\x03\x04"u8, 100, "model.keras").Format);
        Assert.Equal("pytorch-pickle", WeightFiles.Detect([0x80, 0x02, 0x7D], 100, "pytorch_model.bin").Format);
        Assert.Equal("pickle", WeightFiles.Detect([0x80, 0x04, 0x95], 100, "model.pkl").Format);
        // Bytes, not a UTF-8 literal: "\x89" in one would be C2 89, which no HDF5 or NumPy file starts with.
        Assert.Equal("hdf5", WeightFiles.Detect([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A], 100, "model.h5").Format);
        Assert.Equal("npy", WeightFiles.Detect([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 0x01, 0x00], 100, "weights.npy").Format);
        Assert.Equal("unknown", WeightFiles.Detect("\x89HDF\r\n\x1a\n"u8, 100, "model.h5").Format);
        Assert.Equal("unknown", WeightFiles.Detect("hello"u8, 5, "model.safetensors").Format);
    }

    [Fact]
    public void Gguf_headers_give_architecture_and_parameter_count_declared_or_summed()
    {
        using var dir = new TempDirectory();
        var declared = WeightFiles.ReadHeader(dir.WriteBytes("a.gguf", Gguf(withParameterCount: true)), "gguf")!;
        Assert.Equal(("llama", "tiny", 1234L), (declared.Architecture, declared.Name, declared.ParameterCount));
        var summed = WeightFiles.ReadHeader(dir.WriteBytes("b.gguf", Gguf(withParameterCount: false)), "gguf")!;
        Assert.Equal(3 * 5 + 7, summed.ParameterCount);
        var truncated = Gguf(withParameterCount: false)[..40];
        Assert.Null(WeightFiles.ReadHeader(dir.WriteBytes("c.gguf", truncated), "gguf"));
    }

    /// <summary>A GGUF v3 header: string, u64 and string-array metadata, then two tensor infos (3×5 and 7).</summary>
    private static byte[] Gguf(bool withParameterCount)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        void Str(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            writer.Write((ulong)bytes.Length);
            writer.Write(bytes);
        }
        writer.Write("GGUF"u8);
        writer.Write(3u);
        writer.Write(2UL);
        writer.Write(withParameterCount ? 4UL : 3UL);
        Str("general.architecture");
        writer.Write(8u);
        Str("llama");
        Str("tokenizer.ggml.tokens");
        writer.Write(9u);
        writer.Write(8u);
        writer.Write(2UL);
        Str("<s>");
        Str("</s>");
        Str("general.name");
        writer.Write(8u);
        Str("tiny");
        if (withParameterCount)
        {
            Str("general.parameter_count");
            writer.Write(10u);
            writer.Write(1234UL);
        }
        Str("w1");
        writer.Write(2u);
        writer.Write(3UL);
        writer.Write(5UL);
        writer.Write(0u);
        writer.Write(0UL);
        Str("w2");
        writer.Write(1u);
        writer.Write(7UL);
        writer.Write(0u);
        writer.Write(64UL);
        writer.Write(new byte[128]);
        writer.Flush();
        return stream.ToArray();
    }
}
