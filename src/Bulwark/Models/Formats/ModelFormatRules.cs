namespace Bulwark.Models.Formats;

/// <summary>Where in a file the non-pickle formats say an issue is.</summary>
public static class ModelFormatRules
{
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
