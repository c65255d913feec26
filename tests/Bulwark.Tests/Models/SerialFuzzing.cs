namespace Bulwark.Tests.Models;

/// <summary>
/// The mutation-fuzzing classes run one after another, not beside each other: each bounds the time of every input to
/// catch hangs, and the HDF5 reader's large allocations on mutated files cause garbage-collection pauses that would
/// otherwise land inside another fuzzer's timed input.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SerialFuzzing
{
    public const string Name = "mutation fuzzing";
}
