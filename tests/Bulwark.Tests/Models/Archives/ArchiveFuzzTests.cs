using Bulwark.Tests.Models;
using System.Diagnostics;
using System.IO.Compression;
using Bulwark.Eval;
using Bulwark.Models;
using SharpCompress.Compressors.BZip2;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace Bulwark.Tests.Models.Archives;

/// <summary>
/// Mutation fuzzing of every container format (fixed seed): byte flips, truncations, huge declared sizes and counts.
/// Never an exception, bounded time, and no blind allocation of what a header declares.
/// </summary>
[Collection(SerialFuzzing.Name)]
public class ArchiveFuzzTests
{
    private const int Iterations = 1500;
    private const long MaxAllocationPerInput = 96L << 20;

    private static readonly ModelScanLimits FuzzLimits = ModelScanLimits.Default with
    {
        MaxMemberBytes = 8L << 20,
        MaxTotalBytes = 32L << 20,
    };

    /// <summary>The 7z seed is a real file of ../shared (SharpCompress cannot write 7z); left out where that is absent.</summary>
    public static TheoryData<string> Seeds()
    {
        TheoryData<string> seeds = ["zip", "torch-zip", "tar", "gzip", "bzip2", "xz", "lzma", "npy", "joblib"];
        if (Seed("7z") is not null) seeds.Add("7z");
        return seeds;
    }

    private static byte[]? Seed(string kind)
    {
        var pickle = ArchiveFormatTests.EvilPickle;
        switch (kind)
        {
            case "zip":
                return new ZipBuilder().Add("a.pkl", pickle, deflate: true).Add("b.bin", ArchiveFormatTests.Tensor)
                    .Add(new ZipBuilder.Entry { Name = "h.pkl", Data = pickle, HiddenFromCentral = true }).Build();
            case "torch-zip":
                return new ZipBuilder().Add("archive/data.pkl", pickle).Add("archive/data/0", ArchiveFormatTests.Tensor)
                    .Add("archive/code/__torch__/m.py", "torch.ops.x.y(1)"u8.ToArray(), deflate: true).Build();
            case "tar":
                return ArchiveFormatTests.TarOf(("sys_info", pickle), ("pickle", pickle), ("long/" + new string('n', 150), pickle));
            case "gzip":
                return ArchiveFormatTests.Gzip(pickle);
            case "bzip2":
                var bz = new MemoryStream();
                using (var w = BZip2Stream.Create(bz, SharpCompressionMode.Compress, false, true, false)) w.Write([.. pickle, .. ArchiveFormatTests.Tensor]);
                return bz.ToArray();
            case "xz":
                return Convert.FromBase64String("/Td6WFoAAATm1rRGAgAhARYAAAB0L+WjAQAPgAJjb3MKc3lzdGVtCnEALgCqFRvhdM/ZawABKBDlC2xgH7bzfQEAAAAABFla");
            case "lzma":
                return Convert.FromBase64String("XQAAgAD//////////wBAAIgDvDC9NN4vXibQaf/hqsFrmX///E9QAA==");
            case "npy":
                return ArchiveFormatTests.Npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", pickle);
            case "joblib":
                using (var ms = new MemoryStream())
                {
                    using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(pickle);
                    return ms.ToArray();
                }
            case "7z":
                var shared = RepositoryPaths.Shared;
                var path = shared is null ? null : Path.Combine(shared, "datasets", "picklescan_model_files", "files", "data", "malicious1.7z");
                return path is not null && File.Exists(path) ? File.ReadAllBytes(path) : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_containers_never_throw_hang_or_allocate_blindly(string kind)
    {
        var seed = Seed(kind) ?? throw new InvalidOperationException(kind + " seed missing");
        // The seed itself is recognised by the intended format.
        var baseline = new RecordingScan(FuzzLimits);
        baseline.Scan(new MemoryStream(seed), "seed");
        Assert.NotEmpty(baseline.Dispatched);

        var rng = new Random(20240611 + kind.Length);
        var clock = Stopwatch.StartNew();
        long worstAllocation = 0;
        // bzip2 allocates its block buffers (up to 900 kB × 4) per stream: fewer inputs keep the test short.
        var iterations = kind == "bzip2" ? 1000 : Iterations;
        for (var i = 0; i < iterations; i++)
        {
            var input = Mutate(seed, rng);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var scan = new RecordingScan(FuzzLimits, cancel: cancel.Token);
            var before = GC.GetAllocatedBytesForCurrentThread();
            scan.Scan(new MemoryStream(input), "fuzz");
            worstAllocation = Math.Max(worstAllocation, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.False(cancel.IsCancellationRequested, $"input {i} ran past 5 s");
        }
        clock.Stop();
        // Each input has its own 5 s bound above; the total only guards against a run-away loop on a busy CI machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"{iterations} inputs took {clock.Elapsed}");
        Assert.True(worstAllocation < MaxAllocationPerInput, $"one input allocated {worstAllocation} bytes");
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var data = (byte[])seed.Clone();
        var mutations = rng.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            if (data.Length == 0) break;
            switch (rng.Next(5))
            {
                case 0: // byte flips
                    for (var k = rng.Next(1, 8); k > 0; k--) data[rng.Next(data.Length)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1: // truncation
                    data = data[..rng.Next(data.Length)];
                    break;
                case 2: // a huge declared length, size or count
                    var at = rng.Next(data.Length);
                    var width = rng.Next(2) == 0 ? 4 : 8;
                    for (var k = 0; k < width && at + k < data.Length; k++) data[at + k] = rng.Next(3) == 0 ? (byte)0x7F : (byte)0xFF;
                    break;
                case 3: // random bytes over a field
                    var from = rng.Next(data.Length);
                    rng.NextBytes(data.AsSpan(from, Math.Min(data.Length - from, rng.Next(1, 16))));
                    break;
                default: // octal digits (tar sizes) or a zero run
                    var p = rng.Next(data.Length);
                    for (var k = 0; k < 11 && p + k < data.Length; k++) data[p + k] = rng.Next(2) == 0 ? (byte)'7' : (byte)0;
                    break;
            }
        }
        return data;
    }
}
