using Bulwark.Models.Pickle;

namespace Bulwark.Models;

/// <summary>
/// Every model format, in detection order: the first whose <see cref="IModelFormat.Recognizes"/> accepts a file's
/// head names its format. Specific formats (magic bytes) come first; the raw pickle, whose recogniser walks the head,
/// comes last.
/// </summary>
public static class ModelFormats
{
    /// <summary>Bytes of a file's head that recognisers see.</summary>
    public const int HeadBytes = 64 * 1024;

    /// <summary>The format reported for a file no recogniser accepts: not a model file.</summary>
    public const string Unknown = "unknown";

    public static IReadOnlyList<IModelFormat> All { get; } =
    [
        // Containers and framework files (PyTorch zip before zip, legacy PyTorch and NumPy before the raw pickle) …
        .. Archives.ArchiveFormats.All,
        // … then the formats judged from a header or a config (safetensors, GGUF, HDF5, SavedModel, ONNX, Keras, HF) …
        .. Formats.ModelFileFormats.All,
        // … and last the raw pickle, whose recogniser walks the head.
        PickleFormat.Instance,
    ];

    /// <summary>The first format of <paramref name="formats"/> recognising the head, or null.</summary>
    public static IModelFormat? Detect(IReadOnlyList<IModelFormat> formats, ReadOnlySpan<byte> head, long length)
    {
        ArgumentNullException.ThrowIfNull(formats);
        foreach (var format in formats)
        {
            if (format.Recognizes(head, length)) return format;
        }
        return null;
    }
}
