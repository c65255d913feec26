using Bulwark.Models.Archives;

namespace Bulwark.Models.Frameworks;

/// <summary>
/// Legacy (pre-1.6, non-zip) PyTorch files: pickles stacked one after another (the magic number
/// <c>0x1950a86a20f9469cfc6c</c>, the protocol version, system info, the model, the storage keys) followed by raw
/// storage bytes. All the pickles go to <see cref="ModelScan.Pickle"/>, which walks pickles in sequence. A file whose
/// magic number is itself computed by a call (the <c>pytorch_magic_bypass</c> trick) does not match here and is
/// walked as a plain pickle, which sees the call.
/// </summary>
public sealed class PyTorchLegacyFormat : IModelFormat
{
    // PROTO 2, LONG1 of 10 bytes: the magic number 0x1950a86a20f9469cfc6c, little-endian.
    private static readonly byte[] Magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

    public string Name => "pytorch-legacy";

    public bool Recognizes(ReadOnlySpan<byte> head, long length) => head.StartsWith(Magic);

    public void Inspect(Stream content, string member, ModelScan scan) =>
        ArchiveSupport.Guard(scan, member, Name, () => scan.Pickle(content, member));
}
