namespace Bulwark.Eval;

/// <summary>
/// Finds the repository root (the folder holding Bulwark.slnx) and the shared data sets beside it
/// (<c>../shared</c>, or <c>BULWARK_SHARED</c>). Evaluation and tests read data from there; nothing is copied.
/// </summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared folder, or null when it is absent (evaluations then skip with a message).</summary>
    public static string? Shared
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("BULWARK_SHARED");
            var candidate = string.IsNullOrEmpty(configured) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : configured;
            return Directory.Exists(Path.Combine(candidate, "datasets")) ? candidate : null;
        }
    }

    public const string MissingSharedMessage = "../shared (the evaluation data sets) was not found beside the checkout; set BULWARK_SHARED to its path";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bulwark.slnx"))) return directory.FullName;
        }
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bulwark.slnx"))) return directory.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root (Bulwark.slnx) above " + AppContext.BaseDirectory);
    }
}
