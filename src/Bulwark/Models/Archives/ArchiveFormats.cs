using Bulwark.Models.Frameworks;

namespace Bulwark.Models.Archives;

/// <summary>
/// The container and framework formats of this folder, most specific first (a PyTorch zip before a zip, a legacy PyTorch
/// file before the pickle format the registry adds after these, NumPy before raw data). Detection is by content only.
/// </summary>
public static class ArchiveFormats
{
    public static IReadOnlyList<IModelFormat> All { get; } =
    [
        new PyTorchZipFormat(),
        new ZipFormat(),
        new PyTorchLegacyFormat(),
        new NumpyFormat(),
        new SevenZipFormat(),
        new GzipFormat(),
        new Bzip2Format(),
        new XzFormat(),
        new TarFormat(),
        new JoblibFormat(),
        new LzmaFormat(),
    ];
}
