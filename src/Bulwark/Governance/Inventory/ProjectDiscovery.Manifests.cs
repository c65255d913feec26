using System.Text.Json;
using System.Xml;

namespace Bulwark.Governance.Inventory;

/// <summary>The dependency manifests read as what they are: <c>package.json</c> as JSON, <c>pom.xml</c> as XML.</summary>
internal static partial class ProjectDiscovery
{
    // package.json's dependency maps: every package named in one is a dependency.
    private static readonly HashSet<string> PackageJsonSections = new(StringComparer.Ordinal)
    {
        "dependencies", "devDependencies", "peerDependencies", "optionalDependencies",
    };

    /// <summary>
    /// package.json as JSON: each package of the dependency maps, on the line of its name. False (nothing added) when
    /// the file is not a JSON object or is malformed; the caller then scans it line by line.
    /// </summary>
    private static bool PackageJson(byte[] bytes, string file, List<DiscoveredAiUse> uses)
    {
        var catalog = AiSdkCatalog.Default;
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        var lines = new LineIndex(bytes);
        var found = new List<DiscoveredAiUse>();
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = MaxJsonDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var section = reader.GetString();
                if (!reader.Read()) return false;
                if (reader.TokenType != JsonTokenType.StartObject || section is null || !PackageJsonSections.Contains(section))
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString() ?? "";
                    var line = lines.LineOf(start + (int)reader.TokenStartIndex);
                    if (!reader.Read()) return false;
                    // An alias ("oai": "npm:openai@^4") installs the package it names.
                    if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } version && version.StartsWith("npm:", StringComparison.Ordinal))
                    {
                        var target = version[4..];
                        var at = target.LastIndexOf('@');
                        if (at > 0) target = target[..at];
                        AddSdk(catalog.Npm(target), $"{name} (npm:{target})", file, line, found);
                    }
                    else
                    {
                        AddSdk(catalog.Npm(name), name, file, line, found);
                    }
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
        uses.AddRange(found);
        return true;
    }

    /// <summary>
    /// pom.xml: each <c>&lt;dependency&gt;</c>'s groupId:artifactId, on the artifactId's line. No DTD, no external
    /// resources, bounded; a malformed file keeps what was read before the error and never throws.
    /// </summary>
    private static void PomXml(string text, string file, List<DiscoveredAiUse> uses)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxTextBytes,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(text.TrimStart('\uFEFF')), settings);
            var info = (IXmlLineInfo)reader;
            var dependency = -1;
            string? child = null, group = null, artifact = null;
            var line = 0;
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element when dependency < 0:
                        if (reader.LocalName == "dependency" && !reader.IsEmptyElement)
                        {
                            (dependency, child, group, artifact, line) = (reader.Depth, null, null, null, info.LineNumber);
                        }
                        break;
                    case XmlNodeType.Element when reader.Depth == dependency + 1:
                        child = !reader.IsEmptyElement && reader.LocalName is "groupId" or "artifactId" ? reader.LocalName : null;
                        if (child == "artifactId") line = info.LineNumber;
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA when child is not null && reader.Depth == dependency + 2:
                        if (child == "groupId") group = reader.Value.Trim();
                        else artifact = reader.Value.Trim();
                        break;
                    case XmlNodeType.EndElement when dependency >= 0 && reader.Depth == dependency + 1:
                        child = null;
                        break;
                    case XmlNodeType.EndElement when dependency >= 0 && reader.Depth == dependency:
                        if (group is { Length: > 0 } && artifact is { Length: > 0 })
                        {
                            var coordinate = group + ":" + artifact;
                            AddSdk(AiSdkCatalog.Default.Maven(coordinate), coordinate, file, line, uses);
                        }
                        dependency = -1;
                        break;
                }
            }
        }
        catch (XmlException)
        {
            // Malformed, or a DTD: what was read before stays.
        }
    }
}
