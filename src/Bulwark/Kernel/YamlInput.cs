using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;
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

    /// <summary>
    /// The node tree of a one-document YAML file, or null when it is empty: for readers that need every node's line
    /// and column. Nesting is bounded by <paramref name="maxDepth"/>; aliases are refused unless
    /// <paramref name="allowAliases"/> (the tree then shares the aliased node, it never copies it). Every problem,
    /// including the exceptions YamlDotNet's scanner throws on some malformed input, is a <see cref="BulwarkInputException"/>.
    /// </summary>
    public static YamlNode? LoadTree(string yaml, string source, string what, int maxDepth = 64, bool allowAliases = false)
    {
        try
        {
            var parser = new Parser(new StringReader(yaml));
            var depth = 0;
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart:
                        if (++depth > maxDepth) throw Error(source, parser.Current.Start, what, $"nested deeper than {maxDepth} levels");
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case AnchorAlias alias when !allowAliases:
                        throw Error(source, alias.Start, what, "aliases (*name) are not supported");
                }
            }
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count > 1) throw Error(source, stream.Documents[1].RootNode.Start, what, "holds more than one YAML document");
            return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is null ? "" : $" ({e.InnerException.Message})";
            throw new BulwarkInputException($"{source}:{e.Start.Line}:{e.Start.Column}: invalid {what}: {e.Message}{inner}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (seen in fuzzing): still the user's input.
            throw new BulwarkInputException($"{source}: invalid {what}: the YAML cannot be parsed ({e.Message})", e);
        }
    }

    private static BulwarkInputException Error(string source, Mark mark, string what, string message) =>
        new($"{source}:{mark.Line}:{mark.Column}: invalid {what}: {message}");
}
