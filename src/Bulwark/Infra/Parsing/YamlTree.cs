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
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                // An empty document ("---" alone) has no root node; Helm output is full of them.
                var root = parser.Accept<DocumentEnd>(out _) ? null : builder.Node(parser, 0);
                parser.Consume<DocumentEnd>();
                if (root is not null) documents.Add(root);
                builder.ForgetAnchors();
            }
        }
        catch (YamlException e)
        {
            errors.Add(new InfraParseError($"invalid YAML: {e.Message}", (int)Math.Max(1, e.Start.Line), (int)Math.Max(1, e.Start.Column)));
        }
        catch (InfraLimitException e)
        {
            errors.Add(new InfraParseError(e.Message, e.Line, e.Column));
        }
        return documents;
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
                    throw new InfraLimitException($"unexpected YAML event {parser.Current?.GetType().Name}", line, column);
            }
            if (anchor is not null) _anchors[anchor] = (value, _nodes - before);
            return value;
        }

        private InfraMap Mapping(IParser parser, int depth, int line, int column)
        {
            var entries = new List<InfraEntry>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyStart = parser.Current!.Start;
                var key = Node(parser, depth + 1);
                var value = Node(parser, depth + 1);
                // "<<: *defaults" merges the anchored map's keys (compose files use it for shared settings).
                if (key is InfraScalar { Text: "<<" } && value is InfraMap merged) entries.AddRange(merged.Entries);
                else entries.Add(new InfraEntry(KeyText(key), value, (int)keyStart.Line, (int)keyStart.Column));
            }
            return new InfraMap(entries, line, column);
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
