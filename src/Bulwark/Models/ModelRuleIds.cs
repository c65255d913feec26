namespace Bulwark.Models;

/// <summary>The model pillar's rule ids (declared with names, severities and tags in <c>Rules/model/model.yaml</c>).</summary>
public static class ModelRuleIds
{
    public const string PickleDangerousGlobal = "BW-MODEL-PICKLE-DANGEROUS-GLOBAL";
    public const string PickleUnknownGlobal = "BW-MODEL-PICKLE-UNKNOWN-GLOBAL";
    public const string PickleUnresolvedImport = "BW-MODEL-PICKLE-UNRESOLVED-IMPORT";
    public const string PickleNestedLoad = "BW-MODEL-PICKLE-NESTED-LOAD";
    public const string PickleAttributeOverwrite = "BW-MODEL-PICKLE-ATTRIBUTE-OVERWRITE";
    public const string PickleParseError = "BW-MODEL-PICKLE-PARSE-ERROR";
    public const string PickleLimit = "BW-MODEL-PICKLE-LIMIT";
    public const string ArchiveLimit = "BW-MODEL-ARCHIVE-LIMIT";
    public const string ArchiveCorrupt = "BW-MODEL-ARCHIVE-CORRUPT";
    public const string ArchiveEvasion = "BW-MODEL-ARCHIVE-EVASION";
    public const string TorchScriptCode = "BW-MODEL-TORCHSCRIPT-CODE";
    public const string NumpyObjectArray = "BW-MODEL-NUMPY-OBJECT-ARRAY";
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

    /// <summary>Every id above, for the test that checks each is declared in the pack.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        PickleDangerousGlobal, PickleUnknownGlobal, PickleUnresolvedImport, PickleNestedLoad, PickleAttributeOverwrite,
        PickleParseError, PickleLimit, ArchiveLimit, ArchiveCorrupt, ArchiveEvasion, TorchScriptCode, NumpyObjectArray,
        KerasLambda, KerasUnsafeModule, TfUnsafeOp, OnnxCustomOp, OnnxExternalDataEscape, GgufTemplateInjection,
        GgufMalformed, SafetensorsMalformed, HfRemoteCode, FormatError,
    ];
}
