using System.IO.Compression;
using Bulwark.Kernel;

namespace Bulwark.Usage;

/// <summary>
/// The trained linear model over <see cref="PromptFeatures"/>: one weight per hashed slot, a bias, a Platt
/// calibration (so the score reads as a probability) and the operating threshold chosen at training time.
/// Stored as a small gzip file (half-precision weights); the default model is embedded in the library.
/// </summary>
public sealed class PromptAttackModel
{
    private const uint Magic = 0x41505742; // "BWPA"
    private const int FormatVersion = 1;
    private const string EmbeddedName = "Bulwark.Usage.prompt-attack.model";

    public PromptAttackModel(float[] weights, float bias, float plattScale, float plattOffset, float threshold)
    {
        if (weights.Length != PromptFeatures.Dimensions) throw new ArgumentException($"expected {PromptFeatures.Dimensions} weights", nameof(weights));
        Weights = weights;
        Bias = bias;
        PlattScale = plattScale;
        PlattOffset = plattOffset;
        Threshold = threshold;
    }

    public float[] Weights { get; }
    public float Bias { get; }
    public float PlattScale { get; }
    public float PlattOffset { get; }

    /// <summary>Calibrated score at or over which a prompt is called an attack.</summary>
    public float Threshold { get; }

    /// <summary>The raw linear score (log-odds before calibration).</summary>
    public float Margin(List<(int Slot, float Value)> features)
    {
        if (features.Count == 0) return Bias;
        double sum = 0;
        foreach (var (slot, value) in features) sum += Weights[slot] * value;
        return (float)(Bias + sum / Math.Sqrt(features.Count));
    }

    public float Calibrate(float margin) => 1f / (1f + MathF.Exp(-(PlattScale * margin + PlattOffset)));

    public static PromptAttackModel LoadEmbedded()
    {
        using var stream = typeof(PromptAttackModel).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException($"embedded model {EmbeddedName} is missing");
        return Load(stream, "embedded:prompt-attack.model");
    }

    public static PromptAttackModel Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Load(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"{path}: cannot read model: {e.Message}", e);
        }
    }

    public static PromptAttackModel Load(Stream stream, string source)
    {
        try
        {
            using var gzip = new GZipStream(stream, CompressionMode.Decompress);
            using var reader = new BinaryReader(gzip);
            if (reader.ReadUInt32() != Magic) throw new BulwarkInputException($"{source}: not a Bulwark prompt-attack model");
            var version = reader.ReadInt32();
            if (version != FormatVersion) throw new BulwarkInputException($"{source}: model format {version} is not supported (expected {FormatVersion})");
            var dimensions = reader.ReadInt32();
            if (dimensions != PromptFeatures.Dimensions) throw new BulwarkInputException($"{source}: model has {dimensions} slots, this build uses {PromptFeatures.Dimensions}");
            var bias = reader.ReadSingle();
            var scale = reader.ReadSingle();
            var offset = reader.ReadSingle();
            var threshold = reader.ReadSingle();
            var weights = new float[dimensions];
            for (var i = 0; i < dimensions; i++) weights[i] = (float)reader.ReadHalf();
            return new PromptAttackModel(weights, bias, scale, offset, threshold);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
        {
            throw new BulwarkInputException($"{source}: model file is truncated or corrupt", e);
        }
    }

    public void Save(string path) => AtomicFile.Write(path, stream =>
    {
        using var gzip = new GZipStream(stream, CompressionLevel.SmallestSize);
        using var writer = new BinaryWriter(gzip);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Weights.Length);
        writer.Write(Bias);
        writer.Write(PlattScale);
        writer.Write(PlattOffset);
        writer.Write(Threshold);
        foreach (var weight in Weights) writer.Write((Half)weight);
    });
}
