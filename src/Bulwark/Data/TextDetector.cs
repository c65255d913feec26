using Bulwark.Data.Pii;
using Bulwark.Data.Pii.Ner;
using Bulwark.Data.Secrets;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Text;

namespace Bulwark.Data;

/// <summary>
/// The data pillar's text detector: runs every pattern rule over a document in one pass, and the named
/// recognisers of detector rules (PII) beside it, and turns the matches into findings with redacted evidence.
/// Generic rules give way to specific ones on the same value; overlapping PII values keep the longest, and
/// give way to a secret.
/// </summary>
public sealed class TextDetector
{
    private const string PiiFamily = "pii";
    private const int PatternPassHeadroom = 10;

    private readonly TextDocumentScanner _scanner;
    private readonly IReadOnlyList<ITextRecogniser> _recognisers;
    private readonly ScanLimits _limits;

    /// <param name="ner">The model that answers <c>ner-*</c> detector rules (docs/ner.md); null where none is
    /// configured, and then such a rule is an input error. Owned by the caller.</param>
    public TextDetector(IReadOnlyList<Rule> rules, ScanLimits limits, TimeProvider time, NerModel? ner = null)
    {
        // Model and infrastructure rules are reported by their own scanners; they have no text to match.
        rules = rules.Where(r => r.RunsOnText).ToList();
        Rules = rules;
        _limits = limits;
        _recognisers = Recognisers.Create(rules.Where(r => !r.IsPatternRule).ToList(), limits, ner);
        // With recognisers beside it, the pattern pass may gather more than the cap: the cap is applied after both,
        // most severe first, so low-severity PII cannot crowd a secret out of a busy file.
        var patternLimits = _recognisers.Count == 0 ? limits : limits with { MaxFindingsPerFile = limits.MaxFindingsPerFile * PatternPassHeadroom };
        _scanner = new TextDocumentScanner(new PatternEngine(rules.Where(r => r.IsPatternRule).ToList(), patternLimits), patternLimits, time);
    }

    public IReadOnlyList<Rule> Rules { get; }

    /// <param name="displayPath">The path shown in reports.</param>
    /// <param name="relativePath">The path relative to the scan root; part of the fingerprint.</param>
    public (IReadOnlyList<Finding> Findings, TextScanOutcome Outcome) ScanStream(Stream stream, string displayPath, string relativePath, CancellationToken cancellationToken = default)
    {
        if (_recognisers.Count == 0)
        {
            var plain = _scanner.Scan(stream, cancellationToken);
            return (ToFindings(plain.Matches, displayPath, relativePath), plain);
        }

        // Recognisers read the decoded text whole: buffer the file (the walker already skips files over
        // MaxFileBytes; a stream from elsewhere is cut there) and decode it once more after the pattern pass.
        var buffer = FileBuffer.Rent();
        try
        {
            return ScanBuffered(stream, buffer, displayPath, relativePath, cancellationToken);
        }
        finally
        {
            FileBuffer.Return(buffer);
        }
    }

    private (IReadOnlyList<Finding> Findings, TextScanOutcome Outcome) ScanBuffered(Stream stream, MemoryStream buffer, string displayPath, string relativePath, CancellationToken cancellationToken)
    {
        CopyBounded(stream, buffer, _limits.MaxFileBytes, cancellationToken);
        buffer.Position = 0;
        var outcome = _scanner.Scan(buffer, cancellationToken);
        if (outcome.IsBinary || outcome.TimedOut) return (ToFindings(outcome.Matches, displayPath, relativePath), outcome);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var sniff = TextEncodingSniffer.Sniff(bytes[..Math.Min(bytes.Length, TextEncodingSniffer.SniffBytes)]);
        var text = sniff.Encoding.GetString(bytes[sniff.BomLength..]);
        var matches = outcome.Matches.Concat(Recognise(text)).ToList();
        var truncated = outcome.TruncatedFindings || matches.Count > _limits.MaxFindingsPerFile;
        // Over the cap, the most severe findings stay: dates and URLs must not push a private key out of the report.
        var kept = Resolve(matches).OrderByDescending(m => m.Rule.Severity).ThenBy(m => m.Start).Take(_limits.MaxFindingsPerFile).OrderBy(m => m.Start).ToList();
        return (kept.Select(m => ToFinding(m, displayPath, relativePath)).ToList(), outcome with { Matches = kept, TruncatedFindings = truncated });
    }

    public IReadOnlyList<Finding> ScanText(string text, string displayPath = "<text>") =>
        MatchText(text).Select(m => ToFinding(m, displayPath, displayPath)).ToList();

    /// <summary>The raw matches of a string, for callers that need offsets rather than findings.</summary>
    public IReadOnlyList<TextMatch> MatchText(string text)
    {
        var matches = _scanner.ScanString(text);
        return _recognisers.Count == 0 ? WithoutShadowedGeneric(matches) : Resolve([.. matches, .. Recognise(text)]).OrderBy(m => m.Start).ToList();
    }

    private List<TextMatch> Recognise(string text)
    {
        var spans = new List<RecognisedSpan>();
        foreach (var recogniser in _recognisers) recogniser.Recognise(text, spans);
        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        var lines = new LinePositions(text);
        return spans.Select(s =>
        {
            var (line, column) = lines.At(s.Start);
            var (endLine, endColumn) = lines.At(s.End);
            var value = text[s.Start..s.End];
            return new TextMatch(s.Rule, s.Start, s.End, line, column, endLine, endColumn, value, value, 0, value.Length, s.Score);
        }).ToList();
    }

    private static void CopyBounded(Stream from, MemoryStream to, long limit, CancellationToken cancellationToken)
    {
        var chunk = new byte[81920];
        int read;
        while (to.Length < limit && (read = from.Read(chunk, 0, (int)Math.Min(chunk.Length, limit - to.Length))) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            to.Write(chunk, 0, read);
        }
    }

    /// <summary>
    /// Generic rules give way to specific secret rules; PII values give way to secrets they overlap and to longer
    /// PII values. Linear after sorting: overlapping PII values form small clusters resolved on their own.
    /// </summary>
    private static List<TextMatch> Resolve(List<TextMatch> matches)
    {
        var others = WithoutShadowedGeneric(matches.Where(m => m.Rule.Family != PiiFamily));
        var secretSpans = others.Select(ValueSpan).OrderBy(s => s.Start).ToList();
        var pii = matches.Where(m => m.Rule.Family == PiiFamily && !OverlapsAny(secretSpans, ValueSpan(m))).OrderBy(m => ValueSpan(m).Start).ToList();
        var kept = new List<TextMatch>(others.Count + pii.Count);
        kept.AddRange(others);
        var cluster = new List<TextMatch>();
        long clusterEnd = -1;
        foreach (var m in pii)
        {
            var (start, end) = ValueSpan(m);
            if (start >= clusterEnd && cluster.Count > 0) KeepLongest(cluster, kept);
            cluster.Add(m);
            clusterEnd = Math.Max(clusterEnd, end);
        }
        if (cluster.Count > 0) KeepLongest(cluster, kept);
        return kept;
    }

    private static void KeepLongest(List<TextMatch> cluster, List<TextMatch> kept)
    {
        var chosen = new List<TextMatch>();
        foreach (var m in cluster.OrderByDescending(m => m.SecretLength).ThenByDescending(m => m.Rule.Confidence))
        {
            var (start, end) = ValueSpan(m);
            if (!chosen.Any(c => Overlaps(ValueSpan(c), start, end))) chosen.Add(m);
        }
        kept.AddRange(chosen);
        cluster.Clear();
    }

    /// <summary>Whether a span overlaps one of <paramref name="sorted"/> (ordered by start; secrets are few).</summary>
    private static bool OverlapsAny(List<(long Start, long End)> sorted, (long Start, long End) span)
    {
        foreach (var s in sorted)
        {
            if (s.Start >= span.End) return false;
            if (s.End > span.Start) return true;
        }
        return false;
    }

    private static (long Start, long End) ValueSpan(TextMatch m) => (m.Start + m.SecretOffset, m.Start + m.SecretOffset + m.SecretLength);

    private static bool Overlaps((long Start, long End) a, long start, long end) => a.Start < end && start < a.End;

    private static List<Finding> ToFindings(IReadOnlyList<TextMatch> matches, string displayPath, string relativePath) =>
        WithoutShadowedGeneric(matches).Select(m => ToFinding(m, displayPath, relativePath)).ToList();

    private static Finding ToFinding(TextMatch match, string displayPath, string relativePath) =>
        match.ToFinding(displayPath, relativePath, $"{match.Rule.Name} in plain text",
            SecretRedactor.Evidence(match.MatchedText, match.SecretOffset, match.SecretLength), match.Secret);

    public static double Score(Confidence confidence) => TextMatch.ConfidenceScore(confidence);

    private static List<TextMatch> WithoutShadowedGeneric(IEnumerable<TextMatch> matches)
    {
        var all = matches as IReadOnlyList<TextMatch> ?? matches.ToList();
        var specific = all.Where(m => !m.Rule.Generic).ToList();
        return all.Where(m => !m.Rule.Generic || !specific.Any(s => s.Start < m.End && m.Start < s.End)).ToList();
    }
}

/// <summary>
/// One file buffer per thread, reused from file to file: a fresh one was a large-object allocation, zeroed and
/// collected with the oldest generation, for every file. A buffer grown past a bound by a huge file is dropped.
/// </summary>
internal static class FileBuffer
{
    private const int MaxKeptBytes = 16 << 20;

    [ThreadStatic]
    private static MemoryStream? _cached;

    public static MemoryStream Rent()
    {
        var buffer = _cached ?? new MemoryStream();
        _cached = null; // a nested scan on this thread gets its own
        buffer.SetLength(0);
        return buffer;
    }

    public static void Return(MemoryStream buffer)
    {
        if (buffer.Capacity <= MaxKeptBytes) _cached = buffer;
    }
}

/// <summary>1-based lines and columns of offsets in a text, from one scan of its line starts.</summary>
internal sealed class LinePositions
{
    private readonly List<int> _lineStarts = [0];

    public LinePositions(string text)
    {
        for (var i = text.IndexOf('\n', StringComparison.Ordinal); i >= 0; i = text.IndexOf('\n', i + 1)) _lineStarts.Add(i + 1);
    }

    public (int Line, int Column) At(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        if (index < 0) index = ~index - 1;
        return (index + 1, offset - _lineStarts[index] + 1);
    }
}
