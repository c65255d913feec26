using System.Text.Json;
using Bulwark.Kernel;

namespace Bulwark.Governance.Assessment;

/// <summary>
/// Compares an assessment with a previous one (the JSON <see cref="AssessmentJsonWriter"/> wrote): the overall and
/// per-pillar deltas, and every check whose outcome changed, appeared or disappeared.
/// </summary>
public static class AssessmentDiffer
{
    public const long MaxBytes = 64L * 1024 * 1024;

    public static PostureAssessment WithDiff(PostureAssessment current, string previousPath)
    {
        var previous = Read(previousPath);
        var pillars = current.Pillars.Select(p => new PillarDelta(p.Pillar, previous.Pillars.GetValueOrDefault(p.Pillar), p.Score)).ToList();
        var changes = new List<CheckChange>();
        foreach (var check in current.Checks)
        {
            var before = previous.Checks.TryGetValue(check.Id, out var b) ? b.Outcome : (CheckOutcome?)null;
            if (before != check.Outcome) changes.Add(new CheckChange(check.Id, check.Title, before, check.Outcome));
        }
        foreach (var (id, gone) in previous.Checks.Where(p => current.Checks.All(c => c.Id != p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
            changes.Add(new CheckChange(id, gone.Title, gone.Outcome, null));
        return current with { Diff = new AssessmentDiff(previousPath, previous.AssessedAt, previous.Overall, pillars, changes) };
    }

    private sealed record Previous(DateTimeOffset AssessedAt, double Overall, Dictionary<Pillar, double> Pillars, Dictionary<string, (string Title, CheckOutcome Outcome)> Checks);

    private static Previous Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new BulwarkInputException($"previous assessment '{path}' does not exist");
        if (info.Length > MaxBytes) throw new BulwarkInputException($"{path}: {info.Length:N0} bytes is over the {MaxBytes:N0}-byte limit for a previous assessment");
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var kind) || kind.GetString() != AssessmentJsonWriter.Kind)
                throw new BulwarkInputException($"{path}: not a `bulwark gov assess --format json` report (its \"kind\" is not {AssessmentJsonWriter.Kind})");
            var pillars = new Dictionary<Pillar, double>();
            foreach (var pillar in root.GetProperty("pillars").EnumerateArray())
                if (Enum.TryParse<Pillar>(pillar.GetProperty("pillar").GetString(), ignoreCase: true, out var p)) pillars[p] = pillar.GetProperty("score").GetDouble();
            var checks = new Dictionary<string, (string, CheckOutcome)>(StringComparer.Ordinal);
            foreach (var check in root.GetProperty("checks").EnumerateArray())
            {
                var outcome = AssessmentNames.ParseOutcome(check.GetProperty("outcome").GetString())
                    ?? throw new BulwarkInputException($"{path}: check {check.GetProperty("id").GetString()} has an unknown outcome");
                checks[check.GetProperty("id").GetString()!] = (check.GetProperty("title").GetString() ?? "", outcome);
            }
            return new Previous(root.GetProperty("assessedAt").GetDateTimeOffset(), root.GetProperty("overall").GetDouble(), pillars, checks);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new BulwarkInputException($"{path}: cannot read the previous assessment: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new BulwarkInputException($"{path}: cannot read the previous assessment: {e.Message}", e);
        }
    }
}
