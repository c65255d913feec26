namespace Bulwark.Models.Formats;

/// <summary>The rule ids the non-pickle formats report (declared in the model rule pack).</summary>
public static class ModelFormatRules
{
    public const string KerasLambda = "BW-MODEL-KERAS-LAMBDA";
    public const string KerasUnsafeModule = "BW-MODEL-KERAS-UNSAFE-MODULE";
    public const string TfUnsafeOp = "BW-MODEL-TF-UNSAFE-OP";
    public const string OnnxCustomOp = "BW-MODEL-ONNX-CUSTOM-OP";
    public const string OnnxExternalDataEscape = "BW-MODEL-ONNX-EXTERNAL-DATA-ESCAPE";
    public const string GgufTemplateInjection = "BW-MODEL-GGUF-TEMPLATE-INJECTION";
    public const string GgufMalformed = "BW-MODEL-GGUF-MALFORMED";
    public const string SafetensorsMalformed = "BW-MODEL-SAFETENSORS-MALFORMED";
    public const string HfRemoteCode = "BW-MODEL-HF-REMOTE-CODE";
    public const string FormatError = "BW-MODEL-FORMAT-ERROR";

    /// <summary>
    /// Where in a file: <c>member</c> for the file itself, <c>member#key</c> for a key or op inside it
    /// (<c>#key</c> when the file is the top-level one).
    /// </summary>
    internal static string At(string member, string? key) =>
        string.IsNullOrEmpty(key) ? member : member.Length == 0 ? "#" + key : member + "#" + key;
}

/// <summary>
/// Optional capability of a <see cref="ModelScan"/>: the directory a top-level file lies in, so that a config can be
/// judged together with the files it names (the Python modules of a Hugging Face <c>auto_map</c>). Scans of archive
/// members do not implement it (or return null): an archive member has no directory on disk.
/// </summary>
public interface IModelScanDirectory
{
    /// <summary>The directory of the content being inspected, or null when it is not a file on disk.</summary>
    string? Directory { get; }
}
