namespace Bulwark.Models.Archives;

/// <summary>The rule ids the archive and framework formats report (declared in the model metadata pack).</summary>
internal static class ArchiveRules
{
    public const string Limit = "BW-MODEL-ARCHIVE-LIMIT";
    public const string Corrupt = "BW-MODEL-ARCHIVE-CORRUPT";
    public const string Evasion = "BW-MODEL-ARCHIVE-EVASION";
    public const string TorchScriptCode = "BW-MODEL-TORCHSCRIPT-CODE";
    public const string NumpyObjectArray = "BW-MODEL-NUMPY-OBJECT-ARRAY";
    public const string FormatError = "BW-MODEL-FORMAT-ERROR";
}
