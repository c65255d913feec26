using Bulwark.Tests.Models;
using System.Buffers.Binary;
using System.Diagnostics;
using Bulwark.Models.Formats;

namespace Bulwark.Tests.Models.Formats;

/// <summary>
/// Mutation fuzzing of every format (fixed seed): byte flips, truncations, huge declared lengths. A format never
/// throws, never hangs and never allocates a declared length: allocations stay proportional to the input.
/// </summary>
[Collection(SerialFuzzing.Name)]
public class FormatFuzzTests
{
    public static TheoryData<string, int> Kinds() => new()
    {
        { "safetensors", 3000 },
        { "gguf", 3000 },
        { "onnx", 2000 },
        { "savedmodel", 3000 },
        { "keras", 2000 },
        { "hf", 2000 },
        { "h5", 1000 },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Mutated_files_never_throw_hang_or_allocate_blindly(string kind, int iterations)
    {
        var seed = FormatRecognitionTests.Sample(kind);
        var random = new Random(20240611 + kind.Length);
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < iterations; i++)
        {
            var bytes = Mutate(seed, random);
            var watch = Stopwatch.StartNew();
            foreach (var format in ModelFileFormats.All)
            {
                var head = bytes.AsSpan(0, Math.Min(bytes.Length, 64 * 1024));
                _ = format.Recognizes(head, bytes.Length);
                var before = GC.GetAllocatedBytesForCurrentThread();
                var scan = new RecordingScan();
                try
                {
                    format.Inspect(new MemoryStream(bytes, writable: false), "fuzz", scan);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{format.Name} threw on mutation {i} of {kind}: {e}");
                }

                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated < 64L * bytes.Length + (4 << 20),
                    $"{format.Name} allocated {allocated} bytes for a {bytes.Length}-byte input (mutation {i} of {kind})");
            }
            if (watch.Elapsed > slowest) slowest = watch.Elapsed;
        }

        // A hang shows as one slow input; the total depends on how busy the machine is (CI runs tests in parallel).
        Assert.True(slowest < TimeSpan.FromSeconds(5), $"{kind}: the slowest mutation took {slowest}");
    }

    [Fact]
    public void A_mutated_h5_never_makes_the_reader_allocate_a_declared_length()
    {
        var seed = FormatRecognitionTests.Sample("h5");
        var random = new Random(20240613);
        long worst = 0;
        for (var i = 0; i < 3000; i++)
        {
            var bytes = Mutate(seed, random);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var scan = new RecordingScan();
            new KerasH5Format().Inspect(new MemoryStream(bytes, writable: false), "fuzz", scan);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worst = Math.Max(worst, allocated);
            Assert.True(allocated < 64L * bytes.Length + (4 << 20), $"worst so far {worst}: mutation {i}: {allocated:N0} bytes allocated for a {bytes.Length:N0}-byte file; {string.Join("; ", scan.Issues.Select(x => x.Message))}");
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(6))
            {
                case 0 or 1:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 3 when bytes.Length > 8:
                    bytes = bytes[..random.Next(1, bytes.Length)];
                    break;
                case 4 when bytes.Length >= 8:
                    // A huge declared length (u64 or u32) somewhere early, where lengths live.
                    var at = random.Next(Math.Min(bytes.Length - 8, 512) + 1);
                    if (random.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), ulong.MaxValue >> random.Next(40));
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), uint.MaxValue >> random.Next(16));
                    }

                    break;
                default:
                    // A varint-looking run of continuation bytes (protobuf lengths).
                    var start = random.Next(bytes.Length);
                    for (var k = start; k < Math.Min(bytes.Length, start + 1 + random.Next(10)); k++)
                    {
                        bytes[k] = 0xFF;
                    }

                    break;
            }
        }

        return bytes;
    }
}
