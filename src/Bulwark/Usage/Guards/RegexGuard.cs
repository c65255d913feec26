using System.Text.RegularExpressions;
using Bulwark.Kernel;
using Bulwark.Kernel.Guards;

namespace Bulwark.Usage.Guards;

/// <summary>One pattern of an organisation's own: the rule id its hits carry, the regex, and what a hit means.</summary>
public sealed record CustomPattern(string Id, string Regex, string? Description = null);

/// <summary>
/// The <c>regex</c> guard: an organisation's own patterns (project code names, employee numbers, internal hosts) in
/// a policy, each hit carrying the pattern's own rule id. Patterns run on .NET's non-backtracking engine, so a
/// careless pattern costs linear time on hostile input instead of hanging the gateway; constructs that engine cannot
/// run (backreferences, lookarounds, atomic groups) are refused when the policy loads.
/// </summary>
public sealed class RegexGuard : IGuard
{
    public const int MaxPatternChars = 4096;

    private readonly (CustomPattern Pattern, Regex Regex)[] _patterns;

    public RegexGuard(IReadOnlyList<CustomPattern> patterns, string where)
    {
        if (patterns.Count == 0) throw new BulwarkInputException($"{where}: 'patterns' needs at least one pattern");
        _patterns = patterns.Select((p, i) => (p, Compile(p, $"{where}: pattern {i + 1}"))).ToArray();
        var twice = patterns.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new BulwarkInputException($"{where}: pattern id '{twice.Key}' is used twice");
    }

    public string Name => "regex";

    public IReadOnlyList<GuardHit> Inspect(string text, GuardContext context, CancellationToken cancellationToken)
    {
        var hits = new List<GuardHit>();
        foreach (var (pattern, regex) in _patterns)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var match in regex.EnumerateMatches(text))
            {
                if (match.Length == 0) continue; // an empty match marks a place, not text to block or redact
                hits.Add(new GuardHit(Name, pattern.Id, 1f, match.Index, match.Length, pattern.Description ?? $"matches the custom pattern {pattern.Id}"));
            }
        }
        return hits;
    }

    private static Regex Compile(CustomPattern pattern, string where)
    {
        if (string.IsNullOrWhiteSpace(pattern.Id)) throw new BulwarkInputException($"{where}: missing 'id'");
        if (string.IsNullOrEmpty(pattern.Regex)) throw new BulwarkInputException($"{where} ({pattern.Id}): missing 'regex'");
        if (pattern.Regex.Length > MaxPatternChars) throw new BulwarkInputException($"{where} ({pattern.Id}): 'regex' is longer than {MaxPatternChars} characters");
        try
        {
            return new Regex(pattern.Regex, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new BulwarkInputException($"{where} ({pattern.Id}): 'regex' is not a pattern the non-backtracking engine can run: {e.Message}", e);
        }
    }
}
