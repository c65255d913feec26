using Bulwark.Models;

namespace Bulwark.Models.Formats;

/// <summary>
/// ONNX: a protobuf <c>ModelProto</c>. Nothing in a standard ONNX graph runs code, but two things reach outside it:
/// operators from a custom domain (the runtime resolves them from a native custom-op library registered by the
/// loader, so a model that needs one needs native code) and initializers whose <c>external_data</c> location is a path
/// (an absolute or <c>..</c> path reads — and with some tools writes — files outside the model folder). The graph,
/// its subgraphs (If/Loop/Scan attributes), training graphs and functions are walked; tensor data is skipped by
/// seeking, never read.
/// </summary>
public sealed class OnnxFormat : IModelFormat
{
    /// <summary>Operator domains the ONNX standard and ONNX Runtime's built-in kernels define.</summary>
    public static IReadOnlySet<string> StandardDomains { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training",
        // ONNX Runtime's contrib operators ship inside the runtime (no library is loaded for them).
        "com.microsoft", "com.microsoft.nchwc", "com.ms.internal.nhwc",
    };

    public const int MaxGraphNesting = 32;

    private const int MaxName = 4096;

    public string Name => "onnx";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        // ModelProto serialisers write fields in number order: ir_version (field 1, varint) comes first.
        if (head.Length < 4 || head[0] != 0x08)
        {
            return false;
        }

        var pos = 1;
        if (!TryVarint(head, ref pos, out var irVersion) || irVersion is 0 or > 64)
        {
            return false;
        }

        var sawGraphOrOpset = false;
        while (pos < head.Length)
        {
            if (!TryVarint(head, ref pos, out var tag))
            {
                break; // cut by the end of the head
            }

            var field = tag >> 3;
            var wire = (int)(tag & 7);
            var expected = field switch
            {
                1 or 5 => 0,
                2 or 3 or 4 or 6 or 7 or 8 or 14 or 20 or 25 => 2,
                _ => -1,
            };
            if (wire != expected)
            {
                return false;
            }

            if (wire == 0)
            {
                if (!TryVarint(head, ref pos, out _))
                {
                    break;
                }

                continue;
            }

            if (!TryVarint(head, ref pos, out var len))
            {
                break;
            }

            if (len > (ulong)(length - pos))
            {
                return false;
            }

            if (field is 7 or 8)
            {
                sawGraphOrOpset = true;
            }

            if (field is 2 or 3 or 4 && pos + (long)len <= head.Length
                && !System.Text.Unicode.Utf8.IsValid(head.Slice(pos, (int)len)))
            {
                return false;
            }

            if ((ulong)(head.Length - pos) < len)
            {
                break;
            }

            pos += (int)len;
        }

        return sawGraphOrOpset;
    }

    internal static bool TryVarint(ReadOnlySpan<byte> bytes, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && pos < bytes.Length; shift += 7)
        {
            var b = bytes[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    public void Inspect(Stream content, string member, ModelScan scan)
    {
        var walker = new Walker(new ProtoReader(new BoundedReader(content)), member, scan);
        try
        {
            walker.Model(walker.Proto.Reader.Length);
            walker.ReportCustomOps();
        }
        catch (MalformedModelException e)
        {
            walker.ReportCustomOps();
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member, $"ONNX model could not be fully read: {e.Message}"));
        }
    }

    private sealed class Walker(ProtoReader proto, string member, ModelScan scan)
    {
        private readonly HashSet<(string Domain, string Op)> _customOps = [];
        private readonly HashSet<(string Domain, string Name)> _functions = [];
        private readonly HashSet<string> _reportedLocations = new(StringComparer.Ordinal);
        private long _steps;

        public ProtoReader Proto => proto;

        public void Model(long end)
        {
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                switch (field)
                {
                    case 7 when wire == ProtoReader.WireLength:
                        Graph(proto.ReadLengthEnd(end), 0);
                        break;
                    case 20 when wire == ProtoReader.WireLength:
                        TrainingInfo(proto.ReadLengthEnd(end));
                        break;
                    case 25 when wire == ProtoReader.WireLength:
                        Function(proto.ReadLengthEnd(end));
                        break;
                    default:
                        proto.SkipField(wire, end);
                        break;
                }
            }
        }

        public void ReportCustomOps()
        {
            foreach (var (domain, op) in _customOps.OrderBy(o => o.Domain, StringComparer.Ordinal).ThenBy(o => o.Op, StringComparer.Ordinal))
            {
                if (_functions.Contains((domain, op)))
                {
                    continue; // a function the model defines itself: expanded from ONNX nodes, no native code
                }

                scan.Report(new ModelIssue(ModelRuleIds.OnnxCustomOp, ModelVerdict.Suspicious, ModelFormatRules.At(member, domain + "::" + op),
                    $"operator {op} from custom domain '{domain}' needs a native custom-op library registered by the loader",
                    domain + "::" + op));
            }
        }

        private void Tick()
        {
            if ((++_steps & 0x3FF) == 0)
            {
                scan.CancellationToken.ThrowIfCancellationRequested();
            }
        }

        private void TrainingInfo(long end)
        {
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                if (field is 1 or 3 && wire == ProtoReader.WireLength)
                {
                    Graph(proto.ReadLengthEnd(end), 1);
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }
        }

        private void Function(long end)
        {
            string? name = null;
            var domain = string.Empty;
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                switch (field)
                {
                    case 1 when wire == ProtoReader.WireLength:
                        name = proto.ReadString(end, MaxName);
                        break;
                    case 10 when wire == ProtoReader.WireLength:
                        domain = proto.ReadString(end, MaxName) ?? string.Empty;
                        break;
                    case 7 when wire == ProtoReader.WireLength:
                        Node(proto.ReadLengthEnd(end), 1);
                        break;
                    default:
                        proto.SkipField(wire, end);
                        break;
                }
            }

            if (name is not null)
            {
                _functions.Add((domain, name));
            }
        }

        private void Graph(long end, int nesting)
        {
            if (nesting > MaxGraphNesting)
            {
                throw new MalformedModelException($"subgraphs nested deeper than {MaxGraphNesting}");
            }

            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                switch (field)
                {
                    case 1 when wire == ProtoReader.WireLength:
                        Node(proto.ReadLengthEnd(end), nesting);
                        break;
                    case 5 when wire == ProtoReader.WireLength:
                        Tensor(proto.ReadLengthEnd(end));
                        break;
                    case 15 when wire == ProtoReader.WireLength:
                        SparseTensor(proto.ReadLengthEnd(end));
                        break;
                    default:
                        proto.SkipField(wire, end);
                        break;
                }
            }
        }

        private void Node(long end, int nesting)
        {
            string? op = null;
            var domain = string.Empty;
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                switch (field)
                {
                    case 4 when wire == ProtoReader.WireLength:
                        op = proto.ReadString(end, MaxName) ?? "<over-long op name>";
                        break;
                    case 7 when wire == ProtoReader.WireLength:
                        domain = proto.ReadString(end, MaxName) ?? "<over-long domain>";
                        break;
                    case 5 when wire == ProtoReader.WireLength:
                        Attribute(proto.ReadLengthEnd(end), nesting);
                        break;
                    default:
                        proto.SkipField(wire, end);
                        break;
                }
            }

            if (!StandardDomains.Contains(domain) && _customOps.Count < 1000)
            {
                _customOps.Add((domain, op ?? string.Empty));
            }
        }

        private void Attribute(long end, int nesting)
        {
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                switch (field)
                {
                    case 6 or 11 when wire == ProtoReader.WireLength: // g, graphs
                        Graph(proto.ReadLengthEnd(end), nesting + 1);
                        break;
                    case 5 or 10 when wire == ProtoReader.WireLength: // t, tensors
                        Tensor(proto.ReadLengthEnd(end));
                        break;
                    case 22 or 23 when wire == ProtoReader.WireLength: // sparse_tensor, sparse_tensors
                        SparseTensor(proto.ReadLengthEnd(end));
                        break;
                    default:
                        proto.SkipField(wire, end);
                        break;
                }
            }
        }

        private void SparseTensor(long end)
        {
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                if (field is 1 or 2 && wire == ProtoReader.WireLength)
                {
                    Tensor(proto.ReadLengthEnd(end));
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }
        }

        private void Tensor(long end)
        {
            string? name = null;
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                switch (field)
                {
                    case 8 when wire == ProtoReader.WireLength:
                        name = proto.ReadString(end, MaxName);
                        break;
                    case 13 when wire == ProtoReader.WireLength:
                        ExternalData(proto.ReadLengthEnd(end), name);
                        break;
                    default:
                        proto.SkipField(wire, end); // raw_data (field 9) and the typed data fields are skipped by seeking
                        break;
                }
            }
        }

        private void ExternalData(long end, string? tensor)
        {
            string? key = null;
            string? value = null;
            while (proto.Next(end, out var field, out var wire))
            {
                if (field == 1 && wire == ProtoReader.WireLength)
                {
                    key = proto.ReadString(end, MaxName);
                }
                else if (field == 2 && wire == ProtoReader.WireLength)
                {
                    value = proto.ReadString(end, MaxName) ?? "<over-long path>";
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }

            if (key == "location" && value is not null && EscapesModelFolder(value) && _reportedLocations.Add(value))
            {
                scan.Report(new ModelIssue(ModelRuleIds.OnnxExternalDataEscape, ModelVerdict.Malicious,
                    ModelFormatRules.At(member, tensor ?? "external_data"),
                    "initializer external data points outside the model folder (reads or overwrites arbitrary files)", value));
            }
        }
    }

    /// <summary>Whether an external-data location is absolute or climbs out of the model folder.</summary>
    public static bool EscapesModelFolder(string location)
    {
        if (location.Length == 0)
        {
            return false;
        }

        if (location.Contains('\0', StringComparison.Ordinal) || location[0] is '/' or '\\' || location[0] == '~'
            || (location.Length >= 2 && location[1] == ':') || location.Contains("://", StringComparison.Ordinal))
        {
            return true;
        }

        var depth = 0;
        foreach (var part in location.Split('/', '\\'))
        {
            if (part == "..")
            {
                if (--depth < 0)
                {
                    return true;
                }
            }
            else if (part.Length > 0 && part != ".")
            {
                depth++;
            }
        }

        return false;
    }
}
