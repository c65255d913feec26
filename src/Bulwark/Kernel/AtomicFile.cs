namespace Bulwark.Kernel;

/// <summary>Writes a file through a temporary sibling and a rename: readers see the old file or the new one, never half.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
        writer.Write(contents);
    });

    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory)) throw new BulwarkInputException($"cannot write '{path}': directory '{directory}' does not exist");
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new BulwarkInputException($"cannot write '{path}': {e.Message}", e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temporary file is harmless and hidden.
        }
    }
}
