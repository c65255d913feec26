using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// YAML (Kubernetes manifests, compose files) into the value tree, one tree per document of a multi-document
/// stream. Built from parser events rather than YamlDotNet's object model so that aliases are counted where they
/// are used: a "billion laughs" file hits <see cref="InfraParseLimits.MaxNodes"/> instead of exhausting memory.
/// Documents before a syntax error are kept; the error becomes an <see cref="InfraParseError"/>.
/// </summary>
public static class YamlTree
{
    public static IReadOnlyList<InfraValue> Parse(string text, InfraParseLimits limits, List<InfraParseError> errors)
    {
        var documents = new List<InfraValue>();
        var builder = new Builder(limits);
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                // An empty document ("---" alone, a comment) has no root node or an empty plain scalar; Helm
                // output is full of them.
                var root = parser.Accept<DocumentEnd>(out _) ? null : builder.Node(parser, 0);
                parser.Consume<DocumentEnd>();
                if (root is not null and not InfraScalar { Kind: ScalarKind.Null }) documents.Add(root);
                builder.ForgetAnchors();
            }
        }
        catch (YamlException e)
        {
            var (line, column) = InsideText(text, e.Start.Line, e.Start.Column);
            errors.Add(new InfraParseError($"invalid YAML: {e.Message}", line, column));
        }
        catch (InfraLimitException e)
        {
            var (line, column) = InsideText(text, e.Line, e.Column);
            errors.Add(new InfraParseError(e.Message, line, column));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (an unclosed flow collection whose plain
            // scalar runs on past a line break); the last event it produced is as near as it tells.
            var end = parser.Current?.End ?? Mark.Empty;
            var (line, column) = InsideText(text, end.Line, end.Column);
            errors.Add(new InfraParseError("invalid YAML: the YAML reader stopped on malformed input", line, column));
        }
        return documents;
    }

    /// <summary>
    /// A place of the reader as a 1-based line and column inside the text: at the end of a text without a final line
    /// break, YamlDotNet reports a line past the last one, where a finding would point at nothing.
    /// </summary>
    private static (int Line, int Column) InsideText(string text, long line, long column)
    {
        int lines = 1, lastStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('\n' or '\r' or '\u0085' or '\u2028' or '\u2029')) continue;
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++; // one break, as YAML reads it
            lines++;
            lastStart = i + 1;
        }
        if (line <= lines) return ((int)Math.Max(1, line), (int)Math.Max(1, column));
        return (lines, text.Length - lastStart + 1);
    }

    private sealed class Builder(InfraParseLimits limits)
    {
        private readonly Dictionary<string, (InfraValue Value, int Size)> _anchors = new(StringComparer.Ordinal);
        private int _nodes;

        public void ForgetAnchors() => _anchors.Clear();

        public InfraValue Node(IParser parser, int depth)
        {
            var start = parser.Current!.Start;
            int line = (int)start.Line, column = (int)start.Column;
            if (depth > limits.MaxDepth) throw new InfraLimitException($"YAML nested deeper than {limits.MaxDepth} levels", line, column);
            var before = _nodes;
            Count(line, column, 1);
            InfraValue value;
            string? anchor;
            switch (parser.Current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target)) throw new InfraLimitException($"YAML alias *{alias.Value} names no anchor", line, column);
                    // The alias stands for a copy of the anchored tree: count it again.
                    Count(line, column, target.Size);
                    return target.Value;
                case Scalar scalar:
                    parser.MoveNext();
                    value = ToScalar(scalar, line, column);
                    anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
                    break;
                case SequenceStart sequence:
                    parser.MoveNext();
                    var items = new List<InfraValue>();
                    while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(Node(parser, depth + 1));
                    value = new InfraList(items, line, column);
                    anchor = sequence.Anchor.IsEmpty ? null : sequence.Anchor.Value;
                    break;
                case MappingStart mapping:
                    parser.MoveNext();
                    value = Mapping(parser, depth, line, column);
                    anchor = mapping.Anchor.IsEmpty ? null : mapping.Anchor.Value;
                    break;
                default:
                    throw new InfraLimitException($"invalid YAML: unexpected {parser.Current?.GetType().Name}", line, column);
            }
            if (anchor is not null) _anchors[anchor] = (value, _nodes - before);
            return value;
        }

        private InfraMap Mapping(IParser parser, int depth, int line, int column)
        {
            var entries = new List<(InfraEntry Entry, bool Merged)>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyStart = parser.Current!.Start;
                var key = Node(parser, depth + 1);
                var value = Node(parser, depth + 1);
                // "<<: *defaults" (or "<<: [*a, *b]") merges the anchored maps' keys (compose files use it for shared settings).
                var merged = key is InfraScalar { Text: "<<" }
                    ? value switch
                    {
                        InfraMap map => new List<InfraMap> { map },
                        InfraList list when list.Items.All(i => i is InfraMap) => list.Items.Cast<InfraMap>().ToList(),
                        _ => null,
                    }
                    : null;
                if (merged is null) entries.Add((new InfraEntry(KeyText(key), value, (int)keyStart.Line, (int)keyStart.Column), false));
                else foreach (var map in merged) entries.AddRange(map.Entries.Select(e => (e, true)));
            }
            return new InfraMap(MergedEntries(entries), line, column);
        }

        /// <summary>The map's own keys win over merged ones wherever they stand, and of merged maps the first to have a key.</summary>
        private static List<InfraEntry> MergedEntries(List<(InfraEntry Entry, bool Merged)> entries)
        {
            if (!entries.Any(e => e.Merged)) return entries.Select(e => e.Entry).ToList();
            var own = entries.Where(e => !e.Merged).Select(e => e.Entry.Key).ToHashSet(StringComparer.Ordinal);
            var taken = new HashSet<string>(StringComparer.Ordinal);
            return entries.Where(e => !e.Merged || (!own.Contains(e.Entry.Key) && taken.Add(e.Entry.Key))).Select(e => e.Entry).ToList();
        }

        private void Count(int line, int column, int count)
        {
            _nodes += count;
            if (_nodes > limits.MaxNodes) throw new InfraLimitException($"YAML expands to more than {limits.MaxNodes:N0} values (alias bomb?)", line, column);
        }

        private static string KeyText(InfraValue key) => key is InfraScalar scalar ? scalar.Text : "";

        /// <summary>Plain scalars are typed as Kubernetes and compose read them (true/false/null/numbers); quoted ones are text.</summary>
        private static InfraScalar ToScalar(Scalar scalar, int line, int column)
        {
            var text = scalar.Value;
            if (scalar.Style != ScalarStyle.Plain || !scalar.Tag.IsEmpty) return new InfraScalar(text, ScalarKind.Text, line, column);
            var kind = text switch
            {
                "" or "~" or "null" or "Null" or "NULL" => ScalarKind.Null,
                "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Boolean,
                _ when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) => ScalarKind.Number,
                _ => ScalarKind.Text,
            };
            return new InfraScalar(text, kind, line, column);
        }
    }
}

/// <summary>A parser bound was reached; caught by the parser and reported as an <see cref="InfraParseError"/>.</summary>
internal sealed class InfraLimitException(string message, int line, int column) : Exception(message)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
}
