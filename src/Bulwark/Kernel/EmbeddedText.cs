namespace Bulwark.Kernel;

/// <summary>Text files built into the Bulwark assembly: rule packs, catalogs, policies, fingerprints.</summary>
public static class EmbeddedText
{
    /// <exception cref="InvalidOperationException">The resource is not embedded: a build defect, not bad input.</exception>
    public static string Read(string resourceName)
    {
        using var stream = typeof(EmbeddedText).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"embedded resource {resourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
