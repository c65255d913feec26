namespace Bulwark.Models.Formats;

/// <summary>
/// The non-pickle model formats, in recognition order (most specific first): binary formats with magic bytes, then
/// protobufs with a checked structure, then JSON configs told apart by their top-level keys.
/// </summary>
public static class ModelFileFormats
{
    public static IReadOnlyList<IModelFormat> All { get; } =
    [
        new SafetensorsFormat(),
        new GgufFormat(),
        new KerasH5Format(),
        new SavedModelFormat(),
        new OnnxFormat(),
        new KerasConfigFormat(),
        new HuggingFaceConfigFormat(),
    ];
}
