using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bulwark.Kernel;

/// <summary>
/// Reading the user's YAML files (rule packs, guard and anonymisation policies) the same way everywhere: a size bound,
/// hyphenated keys, unknown keys refused, and every problem a <see cref="BulwarkInputException"/> that names the file,
/// the line and the column.
/// </summary>
public static class YamlInput
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).Build();

    /// <param name="what">What the file is, for messages: "guard policy".</param>
    public static string ReadFile(string path, long maxBytes, string what)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new BulwarkInputException($"{what} '{path}' does not exist");
            if (info.Length > maxBytes) throw new BulwarkInputException($"{path}: {what} is {info.Length:N0} bytes, over the {maxBytes:N0}-byte limit");
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"{path}: cannot read {what}: {e.Message}", e);
        }
    }

    /// <summary>The document, or null when the YAML is empty.</summary>
    public static T? Deserialize<T>(string yaml, string source, string what)
    {
        try
        {
            return Deserializer.Deserialize<T>(yaml);
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is null ? "" : $" ({e.InnerException.Message})";
            throw new BulwarkInputException($"{source}:{e.Start.Line}:{e.Start.Column}: invalid {what}: {e.Message}{inner}", e);
        }
    }
}
