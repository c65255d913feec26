using Bulwark.Models.Formats;
using Bulwark.Models.Pickle;

namespace Bulwark.Models;

/// <summary>
/// <c>bulwark model scan</c> as a library call: detects each file's format by content (never by its name), inspects it
/// under <see cref="ModelScanLimits"/> and a per-file timeout, and returns its verdict (the worst of its issues). A file
/// no format recognises is not a model file: format <c>unknown</c>, verdict clean, no issue. Nothing is ever loaded.
/// </summary>
public sealed class ModelScanner
{
    private readonly ModelScanLimits _limits;
    private readonly IReadOnlyList<IModelFormat> _formats;

    public ModelScanner(ModelScanLimits? limits = null, IReadOnlyList<IModelFormat>? formats = null)
    {
        _limits = limits ?? ModelScanLimits.Default;
        _formats = formats ?? ModelFormats.All;
    }

    /// <summary>Scans files and directories (recursively, in ordinal path order; symbolic links are not followed).</summary>
    public IReadOnlyList<ModelFileResult> Scan(IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var results = new List<ModelFileResult>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path)) results.AddRange(ScanDirectory(path, cancellationToken));
            else results.Add(ScanFile(path, cancellationToken));
        }
        return results;
    }

    public IReadOnlyList<ModelFileResult> ScanDirectory(string directory, CancellationToken cancellationToken = default)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return Directory.EnumerateFiles(directory, "*", options)
            .Order(StringComparer.Ordinal)
            .Select(file => ScanFile(file, cancellationToken))
            .ToList();
    }

    public ModelFileResult ScanFile(string path, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_limits.Timeout);
        var scan = new FileScan(_limits, _formats, Path.GetDirectoryName(Path.GetFullPath(path)), timeout.Token);
        string format;
        try
        {
            using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, Options = FileOptions.SequentialScan });
            format = scan.Inspect(stream, "") ?? ModelFormats.Unknown;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            format = scan.TopFormat ?? ModelFormats.Unknown;
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, "", $"scan stopped after the {_limits.Timeout.TotalSeconds:0.#} s time limit", "timeout"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            format = scan.TopFormat ?? ModelFormats.Unknown;
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, "", $"cannot read the file: {e.Message}", e.GetType().Name));
        }
        return scan.Result(path, format);
    }

    /// <summary>Scans content already in memory or a stream (seekable) as if it were a file named <paramref name="path"/>.</summary>
    public ModelFileResult ScanStream(Stream content, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_limits.Timeout);
        var scan = new FileScan(_limits, _formats, directory: null, timeout.Token);
        string format;
        try
        {
            format = scan.Inspect(content, "") ?? ModelFormats.Unknown;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            format = scan.TopFormat ?? ModelFormats.Unknown;
            scan.Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, "", $"scan stopped after the {_limits.Timeout.TotalSeconds:0.#} s time limit", "timeout"));
        }
        return scan.Result(path, format);
    }

    /// <summary>One top-level file's scan: issues, nesting depth, bytes read by nested content, and the folder it is in
    /// (a Hugging Face config reads the code files it names from there).</summary>
    private sealed class FileScan(ModelScanLimits limits, IReadOnlyList<IModelFormat> formats, string? directory, CancellationToken cancellation) : ModelScan, IModelScanDirectory
    {
        public string? Directory => directory;

        private readonly List<ModelIssue> _issues = [];
        private int _depth;
        private long _nestedBytes;

        public string? TopFormat { get; private set; }

        public override ModelScanLimits Limits => limits;

        public override CancellationToken CancellationToken => cancellation;

        public override int Depth => _depth;

        public override void Report(ModelIssue issue)
        {
            ArgumentNullException.ThrowIfNull(issue);
            _issues.Add(issue);
        }

        /// <summary>Detects and inspects the top-level content; returns the format name or null when none recognises it.</summary>
        public string? Inspect(Stream content, string member)
        {
            var format = Detect(content);
            if (format is null) return null;
            TopFormat = format.Name;
            Run(format, content, member);
            return format.Name;
        }

        public override void Nested(Stream content, string member)
        {
            ArgumentNullException.ThrowIfNull(content);
            cancellation.ThrowIfCancellationRequested();
            if (_depth + 1 > limits.MaxDepth)
            {
                Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, member, $"nested deeper than {limits.MaxDepth} levels; not scanned", "max-depth"));
                return;
            }
            var length = content.CanSeek ? content.Length : 0;
            if (length > limits.MaxMemberBytes)
            {
                Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, member, $"member of {length:N0} bytes is over the {limits.MaxMemberBytes:N0}-byte limit; not scanned", "max-member-bytes"));
                return;
            }
            if (_nestedBytes + length > limits.MaxTotalBytes)
            {
                Report(new ModelIssue(ModelRuleIds.ArchiveLimit, ModelVerdict.Error, member, $"nested content passes the {limits.MaxTotalBytes:N0}-byte total limit; not scanned", "max-total-bytes"));
                return;
            }
            _nestedBytes += length;
            var format = Detect(content);
            if (format is null) return;
            _depth++;
            try
            {
                Run(format, content, member);
            }
            finally
            {
                _depth--;
            }
        }

        public override void Pickle(Stream content, string member) => PickleScanner.Scan(content, member, this);

        private IModelFormat? Detect(Stream content)
        {
            var start = content.CanSeek ? content.Position : 0;
            var head = new byte[(int)Math.Min(ModelFormats.HeadBytes, content.CanSeek ? Math.Max(0, content.Length - start) : ModelFormats.HeadBytes)];
            var read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var length = content.CanSeek ? content.Length - start : read;
            if (content.CanSeek) content.Position = start;
            else if (read > 0) throw new NotSupportedException("model content must be seekable");
            return ModelFormats.Detect(formats, head.AsSpan(0, read), length);
        }

        private void Run(IModelFormat format, Stream content, string member)
        {
            try
            {
                format.Inspect(content, member, this);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
#pragma warning disable CA1031 // a format's bug or a hostile file must not end the scan of the others: it becomes an error issue
            catch (Exception e)
#pragma warning restore CA1031
            {
                Report(new ModelIssue(ModelRuleIds.FormatError, ModelVerdict.Error, member, $"{format.Name} content could not be analysed: {e.Message}", e.GetType().Name));
            }
        }

        public ModelFileResult Result(string path, string format)
        {
            var verdict = _issues.Count == 0 ? ModelVerdict.Clean : _issues.Max(i => i.Verdict);
            var error = _issues.FirstOrDefault(i => i.Verdict == ModelVerdict.Error || IsErrorRule(i.RuleId));
            return new ModelFileResult(path, format, verdict, _issues.ToList()) { Error = error?.Message };
        }

        private static bool IsErrorRule(string rule) =>
            rule is ModelRuleIds.PickleParseError or ModelRuleIds.PickleLimit or ModelRuleIds.FormatError or ModelRuleIds.ArchiveLimit or ModelRuleIds.ArchiveCorrupt;
    }
}
