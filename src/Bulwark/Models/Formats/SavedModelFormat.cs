using Bulwark.Models;

namespace Bulwark.Models.Formats;

/// <summary>
/// TensorFlow SavedModel (<c>saved_model.pb</c>): a protobuf <c>SavedModel</c> whose meta graphs hold a
/// <c>GraphDef</c> (nodes and a function library). TensorFlow ops run on load and serve; a few of them touch the
/// filesystem or call back into Python, which turns a model into a program with side effects. Each node's op (in the
/// graph, in every library function) is checked against <see cref="MaliciousOps"/> and <see cref="SuspiciousOps"/>.
/// </summary>
/// <remarks>
/// <c>Save</c>, <c>SaveV2</c>, <c>RestoreV2</c> and <c>MergeV2Checkpoints</c> are not flagged: every SavedModel's saver
/// subgraph contains them (their paths are fed by the loader), so flagging them would flag every model.
/// <c>PrintV2</c> is flagged only when its <c>output_stream</c> is a file.
/// </remarks>
public sealed class SavedModelFormat : IModelFormat
{
    /// <summary>Ops that read or write arbitrary files or run Python: malicious in a model.</summary>
    public static IReadOnlySet<string> MaliciousOps { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ReadFile", "WriteFile", "MatchingFiles", "PyFunc", "PyFuncStateless", "EagerPyFunc",
    };

    /// <summary>Ops that reach files, the network or memory-mapped regions outside the model: suspicious.</summary>
    public static IReadOnlySet<string> SuspiciousOps { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ImmutableConst", "WholeFileReader", "WholeFileReaderV2", "TextLineReader", "TextLineReaderV2",
        "FixedLengthRecordReader", "FixedLengthRecordReaderV2", "TFRecordReader", "TFRecordReaderV2",
        "TFRecordDataset", "TFRecordDatasetV2", "TextLineDataset", "FixedLengthRecordDataset", "FixedLengthRecordDatasetV2",
        "CreateSummaryFileWriter", "CreateSummaryDbWriter", "DebugIdentity", "DebugIdentityV2", "DebugIdentityV3",
        "Rpc", "TryRpc", "RpcCall", "RpcClient", "RpcServer", "LoadAndRemapMatrix", "SaveSlices",
    };

    private const int MaxName = 4096;

    public string Name => "tf-savedmodel";

    public bool Recognizes(ReadOnlySpan<byte> head, long length)
    {
        // saved_model_schema_version = 1 (field 1, varint) then meta_graphs (field 2) whose first field is
        // meta_info_def (1) or graph_def (2), each length within the file.
        if (head.Length < 6 || head[0] != 0x08 || head[1] != 0x01 || head[2] != 0x12)
        {
            return false;
        }

        var pos = 3;
        if (!OnnxFormat.TryVarint(head, ref pos, out var metaLength) || metaLength > (ulong)(length - pos) || metaLength < 2)
        {
            return false;
        }

        var metaEnd = pos + (long)metaLength;
        if (pos >= head.Length || head[pos] is not (0x0A or 0x12))
        {
            return false;
        }

        pos++;
        return OnnxFormat.TryVarint(head, ref pos, out var innerLength) && innerLength <= (ulong)(metaEnd - pos);
    }

    public void Inspect(Stream content, string member, ModelScan scan)
    {
        var walker = new Walker(new ProtoReader(new BoundedReader(content)), member, scan);
        try
        {
            walker.SavedModel(walker.Proto.Reader.Length);
        }
        catch (MalformedModelException e)
        {
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member, $"SavedModel could not be fully read: {e.Message}"));
        }
        finally
        {
            walker.ReportOps();
        }
    }

    private sealed class Walker(ProtoReader proto, string member, ModelScan scan)
    {
        private readonly Dictionary<string, (ModelVerdict Verdict, string Where, string Evidence)> _found = new(StringComparer.Ordinal);
        private long _steps;

        public ProtoReader Proto => proto;

        public void SavedModel(long end)
        {
            var metaGraph = 0;
            while (proto.Next(end, out var field, out var wire))
            {
                if (field == 2 && wire == ProtoReader.WireLength)
                {
                    MetaGraph(proto.ReadLengthEnd(end), metaGraph++);
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }
        }

        public void ReportOps()
        {
            foreach (var (op, (verdict, where, evidence)) in _found.OrderByDescending(f => f.Value.Verdict).ThenBy(f => f.Key, StringComparer.Ordinal))
            {
                var why = verdict == ModelVerdict.Malicious
                    ? "reads or writes files or runs Python when the graph runs"
                    : "reaches files, the network or memory outside the model";
                scan.Report(new ModelIssue(ModelRuleIds.TfUnsafeOp, verdict, ModelFormatRules.At(member, where), $"op {op} {why}", evidence));
            }
        }

        private void Tick()
        {
            if ((++_steps & 0x3FF) == 0)
            {
                scan.CancellationToken.ThrowIfCancellationRequested();
            }
        }

        private void MetaGraph(long end, int index)
        {
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                if (field == 2 && wire == ProtoReader.WireLength)
                {
                    GraphDef(proto.ReadLengthEnd(end), $"meta_graphs[{index}]");
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }
        }

        private void GraphDef(long end, string where)
        {
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                if (field == 1 && wire == ProtoReader.WireLength)
                {
                    NodeDef(proto.ReadLengthEnd(end), where);
                }
                else if (field == 2 && wire == ProtoReader.WireLength)
                {
                    Library(proto.ReadLengthEnd(end), where);
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }
        }

        private void Library(long end, string where)
        {
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                if (field == 1 && wire == ProtoReader.WireLength)
                {
                    Function(proto.ReadLengthEnd(end), where);
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }
        }

        private void Function(long end, string where)
        {
            var name = "function";
            var nodes = new List<(long Start, long End)>();
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                if (field == 1 && wire == ProtoReader.WireLength)
                {
                    // signature: OpDef, whose field 1 is the function's name
                    var signatureEnd = proto.ReadLengthEnd(end);
                    while (proto.Next(signatureEnd, out var f, out var w))
                    {
                        if (f == 1 && w == ProtoReader.WireLength)
                        {
                            name = proto.ReadString(signatureEnd, MaxName) ?? name;
                        }
                        else
                        {
                            proto.SkipField(w, signatureEnd);
                        }
                    }
                }
                else if (field == 3 && wire == ProtoReader.WireLength)
                {
                    var nodeEnd = proto.ReadLengthEnd(end);
                    nodes.Add((proto.Position, nodeEnd));
                    proto.Reader.Seek(nodeEnd);
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }

            foreach (var (start, nodeEnd) in nodes)
            {
                proto.Reader.Seek(start);
                NodeDef(nodeEnd, $"{where}/library/{name}");
            }

            proto.Reader.Seek(end);
        }

        private void NodeDef(long end, string where)
        {
            string? name = null;
            string? op = null;
            string? outputStream = null;
            while (proto.Next(end, out var field, out var wire))
            {
                Tick();
                switch (field)
                {
                    case 1 when wire == ProtoReader.WireLength:
                        name = proto.ReadString(end, MaxName);
                        break;
                    case 2 when wire == ProtoReader.WireLength:
                        op = proto.ReadString(end, MaxName) ?? "<over-long op>";
                        break;
                    case 5 when wire == ProtoReader.WireLength:
                        var (key, value) = AttrEntry(proto.ReadLengthEnd(end));
                        if (key == "output_stream")
                        {
                            outputStream = value;
                        }

                        break;
                    default:
                        proto.SkipField(wire, end);
                        break;
                }
            }

            if (op is null)
            {
                return;
            }

            var node = $"{where}/{name ?? op}";
            if (MaliciousOps.Contains(op))
            {
                Record(op, ModelVerdict.Malicious, node, op);
            }
            else if (SuspiciousOps.Contains(op))
            {
                Record(op, ModelVerdict.Suspicious, node, op);
            }
            else if (op == "PrintV2" && outputStream is not null && outputStream.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
            {
                Record(op, ModelVerdict.Malicious, node, $"{op} -> {outputStream}");
            }
        }

        private void Record(string op, ModelVerdict verdict, string where, string evidence)
        {
            if (!_found.ContainsKey(op))
            {
                _found[op] = (verdict, where, evidence);
            }
        }

        /// <summary>A map&lt;string, AttrValue&gt; entry: the key and, when the value is a string (AttrValue.s, field 2), the string.</summary>
        private (string? Key, string? Value) AttrEntry(long end)
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
                    var valueEnd = proto.ReadLengthEnd(end);
                    while (proto.Next(valueEnd, out var f, out var w))
                    {
                        if (f == 2 && w == ProtoReader.WireLength)
                        {
                            value = proto.ReadString(valueEnd, MaxName);
                        }
                        else
                        {
                            proto.SkipField(w, valueEnd);
                        }
                    }
                }
                else
                {
                    proto.SkipField(wire, end);
                }
            }

            return (key, value);
        }
    }
}
