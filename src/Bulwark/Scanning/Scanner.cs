using System.Collections.Concurrent;
using Bulwark.Data;
using Bulwark.Data.Documents;
using Bulwark.Infra;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Usage;

namespace Bulwark.Scanning;

/// <summary>
/// <c>bulwark scan</c> as a library call: walks the roots, scans the files on every core with bounded memory
/// (one chunk buffer per worker), and gathers findings and notes. Hosts only render the result.
/// </summary>
public sealed class Scanner(RuleCatalog catalog, ScanOptions options)
{
    // Prompt-attack rules read prompts, not source code (a comment saying "ignore the previous value" is not an
    // attack): every file gets the other families, prompt templates and corpus documents get them as well.
    private readonly TextDetector _detector = new(ScannedRules(catalog), options.Limits, options.Time, options.Ner);
    private readonly Lazy<PromptDocumentScanner> _promptDocuments = new(() => new PromptDocumentScanner(catalog.Rules, options.Limits, options.Time));
    private readonly ModelFileCheck _models = new(catalog);
    private readonly InfraAnalyzer _infra = new(catalog.Rules);

    public static IReadOnlyList<Rule> ScannedRules(RuleCatalog catalog) =>
        catalog.Rules.Where(r => r.Family != PromptAttackClassifier.Family).ToList();

    public ScanResult Run(CancellationToken cancellationToken = default)
    {
        options.Limits.Validate();
        var startedAt = options.Time.GetUtcNow();
        var started = options.Time.GetTimestamp();
        var notes = new List<ScanNote>();
        var walker = new FileWalker(options.Limits, options.Excludes, options.UseGitIgnore);
        var targets = options.Roots.SelectMany(root => walker.Walk(root, notes)).ToList();

        var findings = new ConcurrentBag<Finding>();
        var infraFiles = new ConcurrentBag<InfraFile>();
        var fileNotes = new ConcurrentBag<ScanNote>();
        var scannedPaths = new ConcurrentBag<string>();
        int filesDone = 0, scanned = 0;
        long bytesDone = 0, bytesScanned = 0;
        var bytesTotal = targets.Sum(t => t.Length);

        Parallel.ForEach(
            targets,
            new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveThreads, CancellationToken = cancellationToken },
            target =>
            {
                if (ScanFile(target, findings, infraFiles, fileNotes, cancellationToken))
                {
                    scannedPaths.Add(target.DisplayPath);
                    Interlocked.Increment(ref scanned);
                    Interlocked.Add(ref bytesScanned, target.Length);
                }
                var done = Interlocked.Increment(ref filesDone);
                var bytes = Interlocked.Add(ref bytesDone, target.Length);
                options.Progress?.Report(new ScanProgress(done, targets.Count, bytes, bytesTotal));
            });

        notes.AddRange(fileNotes);
        var all = findings.ToList();
        // Infrastructure checks join files (a Deployment and the Service that exposes it), so they run once all are read.
        all.AddRange(_infra.Analyze(infraFiles.OrderBy(f => f.Path, StringComparer.Ordinal).ToList(), cancellationToken));
        var kept = options.Baseline is { } baseline ? all.Where(f => !baseline.Suppresses(f)).ToList() : all;
        return new ScanResult
        {
            Findings = kept
                .OrderBy(f => f.Location.Path, StringComparer.Ordinal)
                .ThenBy(f => f.Location.Line).ThenBy(f => f.Location.Column)
                .ThenBy(f => f.RuleId, StringComparer.Ordinal)
                .ToList(),
            Notes = notes.OrderBy(n => n.Path, StringComparer.Ordinal).ThenBy(n => n.Kind).ToList(),
            Classifications = SensitivityClassifier.Classify(scannedPaths, all),
            Statistics = new ScanStatistics(scanned, targets.Count - scanned, bytesScanned, options.Time.GetElapsedTime(started),
                catalog.Rules.Count, all.Count - kept.Count, startedAt),
        };
    }

    /// <returns>Whether the file was scanned (not skipped).</returns>
    private bool ScanFile(ScanTarget target, ConcurrentBag<Finding> findings, ConcurrentBag<InfraFile> infraFiles, ConcurrentBag<ScanNote> notes, CancellationToken cancellationToken)
    {
        if (target.Length > options.Limits.MaxFileBytes)
        {
            notes.Add(new ScanNote(ScanNoteKind.SkippedTooLarge, target.DisplayPath,
                $"file is {target.Length:N0} bytes, over the {options.Limits.MaxFileBytes:N0}-byte limit (--max-file-size)"));
            return false;
        }

        try
        {
            // Model files are judged by content: a pickle named .png or a checkpoint named .bin is still one.
            var isModel = _models.Check(target, findings, notes, cancellationToken);
            if (DocumentReader.Handles(target.RelativePath)) return ScanDocument(target, findings, notes, cancellationToken);
            using var stream = new FileStream(target.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
            var (fileFindings, outcome) = _detector.ScanStream(stream, target.DisplayPath, target.RelativePath, cancellationToken);
            if (fileFindings.Count > 0 && TextPlaces.Handles(target.RelativePath)) fileFindings = WithPlaces(fileFindings, TextPlaces.Build(target.RelativePath, File.ReadAllText(target.FullPath)));
            if (outcome.IsBinary)
            {
                if (!isModel) notes.Add(new ScanNote(ScanNoteKind.SkippedBinary, target.DisplayPath, "binary file skipped"));
                return isModel;
            }
            foreach (var finding in fileFindings) findings.Add(finding);
            if (_infra.HasRules && InfraFileReader.MayRead(target.RelativePath) && InfraFileReader.ReadFile(target.DisplayPath, target.RelativePath, target.FullPath) is { } infraFile)
                infraFiles.Add(infraFile);
            if (PromptDocumentScanner.IsPromptDocument(target.RelativePath) && !outcome.TimedOut)
            {
                stream.Position = 0;
                foreach (var finding in _promptDocuments.Value.Scan(stream, target.DisplayPath, target.RelativePath, cancellationToken)) findings.Add(finding);
            }
            if (outcome.InvalidSequences > 0)
                notes.Add(new ScanNote(ScanNoteKind.InvalidEncoding, target.DisplayPath, $"{outcome.InvalidSequences} invalid byte sequence(s) replaced with U+FFFD; the rest was scanned"));
            if (outcome.TimedOut)
                notes.Add(new ScanNote(ScanNoteKind.TimedOut, target.DisplayPath, $"stopped after the per-file time limit ({options.Limits.PerFileTimeout.TotalSeconds:0} s); the start was scanned"));
            if (outcome.TruncatedFindings)
                notes.Add(new ScanNote(ScanNoteKind.TooManyFindings, target.DisplayPath, $"more than {options.Limits.MaxFindingsPerFile} findings; the rest were not reported"));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add(new ScanNote(ScanNoteKind.Unreadable, target.DisplayPath, $"cannot read: {e.Message}"));
            return false;
        }
    }

    /// <summary>
    /// A binary document (Office, PDF, Parquet): its extracted text, part by part, through the same detectors; each
    /// finding names its place (paragraph, cell, page, row and column). A document that does not parse is a note.
    /// </summary>
    private bool ScanDocument(ScanTarget target, ConcurrentBag<Finding> findings, ConcurrentBag<ScanNote> notes, CancellationToken cancellationToken)
    {
        using var file = new FileStream(target.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        try
        {
            foreach (var part in DocumentReader.Read(file, target.RelativePath, options.Limits.MaxFileBytes, cancellationToken))
            {
                using var text = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(part.Text));
                var (partFindings, _) = _detector.ScanStream(text, target.DisplayPath, target.RelativePath, cancellationToken);
                foreach (var finding in WithPlaces(partFindings, part)) findings.Add(finding);
                if (PromptDocumentScanner.IsPromptDocument(target.RelativePath))
                {
                    text.Position = 0;
                    foreach (var finding in WithPlaces(_promptDocuments.Value.Scan(text, target.DisplayPath, target.RelativePath, cancellationToken), part)) findings.Add(finding);
                }
            }
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Parsers of three libraries throw their own exception types; none of them may stop the scan.
            notes.Add(new ScanNote(ScanNoteKind.MalformedDocument, target.DisplayPath, $"cannot read as {Path.GetExtension(target.RelativePath).TrimStart('.').ToUpperInvariant()}: {e.Message}"));
            return false;
        }
    }

    private static List<Finding> WithPlaces(IReadOnlyList<Finding> found, ExtractedText places) =>
        found.Select(f => places.PlaceAt(f.Location.Offset) is { } place ? f with { Location = f.Location with { Place = place } } : f).ToList();
}
