using System.Diagnostics;
using Bulwark.Data;
using Bulwark.Eval;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Models;

namespace Bulwark.Tests.Models;

[Collection(SerialFuzzing.Name)]
public class PickleFuzzAndCorpusTests
{
    private static readonly byte[][] Seeds =
    [
        PickleWriter.Call("os", "system", "id"),
        PickleWriter.TextCall("subprocess", "run", "ls"),
        new PickleWriter().Proto(4).Frame(30).Unicode("os").Memoize().Pop().Unicode("system").Memoize().Pop().Get(0).Get(1).StackGlobal().Unicode("id").Tuple1().Reduce().Stop().ToArray(),
        new PickleWriter().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark().Unicode("w").Global("torch._utils", "_rebuild_tensor_v2")
            .Mark().Mark().Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Int(4).Tuple().BinPersId().Int(0).Int(2).Tuple1().Int(1).Tuple1().False()
            .Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce().SetItems().Stop().ToArray(),
        new PickleWriter().Proto(5).EmptyList().Mark().BinUnicode8("a").Bytes8([1, 2]).ByteArray8([3]).ReadonlyBuffer().TextLong("12").Long1(1).Appends().Stop().ToArray(),
        [.. new PickleWriter().Proto(2).EmptyDict().Stop().ToArray(), .. PickleWriter.Call("pickle", "loads", "x")],
    ];

    [Fact]
    public void Thousands_of_mutated_pickles_never_throw_and_stay_within_limits()
    {
        var random = new Random(20260611);
        var scanner = new ModelScanner(ModelScanLimits.Default with { MaxPickleOps = 100_000, Timeout = TimeSpan.FromSeconds(5) });
        var clock = Stopwatch.StartNew();
        var verdicts = new int[4];
        for (var i = 0; i < 6000; i++)
        {
            var bytes = Mutate(Seeds[i % Seeds.Length], random);
            var watch = Stopwatch.StartNew();
            var result = scanner.ScanStream(new MemoryStream(bytes), $"fuzz-{i}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"mutation {i} took {watch.Elapsed}");
            Assert.True(Enum.IsDefined(result.Verdict));
            verdicts[(int)result.Verdict]++;
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"fuzzing took {clock.Elapsed}"); // per input: 5 s, above
        Assert.True(verdicts[(int)ModelVerdict.Malicious] > 0 && verdicts[(int)ModelVerdict.Error] > 0, string.Join(",", verdicts));
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break; // truncate
                case 3: bytes.InsertRange(at, [0xff, 0xff, 0xff, 0x7f]); break; // huge declared lengths
                case 4: bytes.InsertRange(at, [0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]); break;
                default: bytes.Insert(at, (byte)random.Next(256)); break;
            }
        }
        return [.. bytes];
    }

    [SharedDataFact]
    public void The_picklescan_corpus_raw_pickles_are_judged_as_labelled()
    {
        var root = Path.Combine(RepositoryPaths.Shared!, "datasets", "picklescan_model_files");
        var labels = Path.Combine(root, "labels.csv");
        Assert.True(File.Exists(labels), $"missing {labels}");
        var scanner = new ModelScanner();
        var failures = new List<string>();
        var checkedPickles = 0;
        foreach (var line in File.ReadLines(labels).Skip(1))
        {
            var fields = line.Split(',');
            var (path, label, container) = (fields[0], fields[1], fields[2]);
            var result = scanner.ScanFile(Path.Combine(root, path)); // static analysis only: never unpickled
            if (label == "benign" && result.Verdict == ModelVerdict.Malicious) failures.Add($"{path}: benign but malicious ({string.Join(" ", result.Issues.Select(i => i.Evidence))})");
            if (container != "pickle") continue;
            checkedPickles++;
            Assert.Equal("pickle", result.Format);
            if (label == "malicious" && result.Verdict != ModelVerdict.Malicious) failures.Add($"{path}: malicious but {result.Verdict}");
        }
        Assert.True(checkedPickles >= 80, $"only {checkedPickles} raw pickles in the corpus");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Every_model_rule_id_is_declared_and_kept_out_of_the_text_engine()
    {
        var catalog = RuleCatalog.Load();
        foreach (var id in ModelRuleIds.All)
        {
            var rule = catalog.Find(id);
            Assert.NotNull(rule);
            Assert.True(rule.IsModelRule, $"{id} is not in family model");
            Assert.Contains(rule.Tags, t => t == "owasp-llm:LLM03");
        }
        var detector = new TextDetector(catalog.Rules, ScanLimits.Default, TimeProvider.System);
        Assert.DoesNotContain(detector.Rules, r => r.IsModelRule);
        Assert.Empty(RuleVerifier.Verify(catalog.Rules.Where(r => r.IsModelRule)));
    }
}
