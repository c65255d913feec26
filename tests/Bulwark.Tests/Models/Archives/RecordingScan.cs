using Bulwark.Models;
using Bulwark.Models.Archives;

namespace Bulwark.Tests.Models.Archives;

/// <summary>
/// A test double of <see cref="ModelScan"/>: records reports and every <see cref="Nested"/>/<see cref="Pickle"/> call,
/// and dispatches nested content to the archive formats (a pickle-looking head goes to <see cref="Pickle"/>, as the
/// real registry's pickle format would). Pickle "walks" read the stream to its end, as a walker would.
/// </summary>
internal sealed class RecordingScan : ModelScan
{
    private readonly State _state;
    private readonly int _depth;

    public RecordingScan(ModelScanLimits? limits = null, IReadOnlyList<IModelFormat>? formats = null, CancellationToken cancel = default)
        : this(new State(limits ?? ModelScanLimits.Default, formats ?? ArchiveFormats.All, cancel), 0)
    {
    }

    private RecordingScan(State state, int depth)
    {
        _state = state;
        _depth = depth;
    }

    public sealed record Call(string Member, byte[] Head, long BytesRead);

    private sealed class State(ModelScanLimits limits, IReadOnlyList<IModelFormat> formats, CancellationToken cancel)
    {
        public ModelScanLimits Limits { get; } = limits;
        public IReadOnlyList<IModelFormat> Formats { get; } = formats;
        public CancellationToken Cancel { get; } = cancel;
        public List<ModelIssue> Issues { get; } = [];
        public List<Call> Nested { get; } = [];
        public List<Call> Pickles { get; } = [];
        public List<string> Formats_ { get; } = [];
    }

    public override ModelScanLimits Limits => _state.Limits;
    public override CancellationToken CancellationToken => _state.Cancel;
    public override int Depth => _depth;

    public IReadOnlyList<ModelIssue> Issues => _state.Issues;
    public IReadOnlyList<Call> NestedCalls => _state.Nested;
    public IReadOnlyList<Call> PickleCalls => _state.Pickles;

    /// <summary>The formats chosen, in order ("member=format").</summary>
    public IReadOnlyList<string> Dispatched => _state.Formats_;

    /// <summary>Whether any pickle walk (reached through any path) saw these bytes in its first KiB.</summary>
    public bool PickleContains(string text) =>
        _state.Pickles.Any(p => System.Text.Encoding.Latin1.GetString(p.Head).Contains(text, StringComparison.Ordinal));

    public bool Has(string ruleId, ModelVerdict? verdict = null) =>
        _state.Issues.Any(i => i.RuleId == ruleId && (verdict is null || i.Verdict == verdict));

    public override void Report(ModelIssue issue) => _state.Issues.Add(issue);

    /// <summary>Scans a top-level file (depth 0) as the real dispatcher would.</summary>
    public void Scan(Stream content, string name) => Dispatch(content, name, this);

    public override void Nested(Stream content, string member)
    {
        var head = new byte[1024];
        content.Position = 0;
        var n = ArchiveSupport.ReadAtMost(content, head);
        _state.Nested.Add(new Call(member, head[..n], n));
        if (_depth + 1 > Limits.MaxDepth)
        {
            Report(new ModelIssue("BW-MODEL-ARCHIVE-LIMIT", ModelVerdict.Error, member, "too deep (double)"));
            return;
        }
        content.Position = 0;
        Dispatch(content, member, new RecordingScan(_state, _depth + 1));
    }

    private void Dispatch(Stream content, string member, RecordingScan at)
    {
        var head = new byte[64 * 1024];
        content.Position = 0;
        var n = ArchiveSupport.ReadAtMost(content, head);
        var length = content.Length;
        content.Position = 0;
        var format = _state.Formats.FirstOrDefault(f => f.Recognizes(head.AsSpan(0, n), length));
        if (format is not null)
        {
            _state.Formats_.Add($"{member}={format.Name}");
            format.Inspect(content, member, at);
        }
        else if (n >= 2 && (head[0] == 0x80 || head[0] == (byte)'c' || head[0] == (byte)'('))
        {
            _state.Formats_.Add($"{member}=pickle");
            at.Pickle(content, member);
        }
    }

    public override void Pickle(Stream content, string member)
    {
        var head = new byte[1024];
        var n = ArchiveSupport.ReadAtMost(content, head);
        long total = n;
        var buffer = new byte[81920];
        int r;
        while ((r = content.Read(buffer)) > 0) total += r;
        _state.Pickles.Add(new Call(member, head[..n], total));
    }
}
