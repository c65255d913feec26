using System.Buffers;
using System.Collections.Concurrent;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;
using Bulwark.Models;

namespace Bulwark.Scanning;

/// <summary>
/// <c>bulwark scan</c>'s model pass: a file whose content is a model format (judged from its head, never its name)
/// goes through the same <see cref="ModelScanner"/> as <c>bulwark model scan</c>, and each suspicious or malicious
/// issue becomes a finding under its <c>BW-MODEL-…</c> rule. A malicious verdict is critical whatever the rule's own
/// severity; a file that could not be fully analysed is a note, as for other unreadable content.
/// </summary>
internal sealed class ModelFileCheck(RuleCatalog catalog)
{
    private readonly ModelScanner _scanner = new();
    private readonly Dictionary<string, Rule> _rules = catalog.Rules.Where(r => r.IsModelRule).ToDictionary(r => r.Id, StringComparer.Ordinal);

    /// <summary>Whether the file is a model file; its issues are added to <paramref name="findings"/> and <paramref name="notes"/>.</summary>
    public bool Check(ScanTarget target, ConcurrentBag<Finding> findings, ConcurrentBag<ScanNote> notes, CancellationToken cancellationToken)
    {
        if (!LooksLikeModel(target)) return false;
        var result = _scanner.ScanFile(target.FullPath, cancellationToken);
        foreach (var issue in result.Issues)
        {
            if (issue.Verdict >= ModelVerdict.Suspicious && _rules.TryGetValue(issue.RuleId, out var rule)) findings.Add(ToFinding(target, issue, rule));
        }
        if (result.Error is { } error) notes.Add(new ScanNote(ScanNoteKind.MalformedDocument, target.DisplayPath, $"model file ({result.Format}) not fully analysed: {error}"));
        return true;
    }

    /// <summary>Runs on every file <c>bulwark scan</c> reads, so its head goes into a pooled buffer.</summary>
    private static bool LooksLikeModel(ScanTarget target)
    {
        var wanted = (int)Math.Min(ModelFormats.HeadBytes, target.Length);
        var head = ArrayPool<byte>.Shared.Rent(wanted);
        try
        {
            int read;
            using (var file = new FileStream(target.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1))
            {
                read = file.ReadAtLeast(head.AsSpan(0, wanted), wanted, throwOnEndOfStream: false);
            }
            return ModelFormats.Detect(ModelFormats.All, head.AsSpan(0, read), target.Length) is not null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    private static Finding ToFinding(ScanTarget target, ModelIssue issue, Rule rule) => new()
    {
        RuleId = rule.Id,
        RuleName = rule.Name,
        Pillar = rule.Pillar,
        Severity = issue.Verdict == ModelVerdict.Malicious ? Severity.Critical : rule.Severity,
        Confidence = rule.Confidence,
        Message = issue.Member.Length == 0 ? issue.Message : $"{issue.Member}: {issue.Message}",
        Location = new Location(target.DisplayPath, 1, 1, 1, 1, 0, 0) { Place = issue.Member.Length == 0 ? null : issue.Member },
        Evidence = issue.Evidence,
        Fingerprint = Fingerprints.Of(rule.Id, target.RelativePath, issue.Member + "|" + issue.Evidence),
        Tags = rule.Tags,
        Score = issue.Verdict == ModelVerdict.Malicious ? 1.0 : 0.6,
        EntityType = "MODEL",
    };
}
