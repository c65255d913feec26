using System.Text.RegularExpressions;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Text;

/// <summary>
/// Runs a set of pattern rules over text: literal prefilter first, then each hit rule's regex on the window
/// around the hit (its line, or a bounded block for multi-line rules), then entropy, validators, context words
/// and the placeholder filter. Thread-safe: compiled once, used by every scanning thread.
/// </summary>
public sealed class PatternEngine
{
    /// <summary>How far a single-line window reaches back from and forward of a keyword (very long lines).</summary>
    public const int LineReach = 2048;

    /// <summary>How far a multi-line window reaches forward of a keyword (a PEM block, a JSON document).</summary>
    public const int BlockReach = 16 * 1024;

    /// <summary>Characters the caller must keep before and after the scanned range for windows to be whole.</summary>
    public const int WindowMargin = BlockReach + LineReach;

    private readonly CompiledRule[] _rules;
    private readonly LiteralPrefilter _prefilter;

    public PatternEngine(IReadOnlyList<Rule> rules, ScanLimits? limits = null)
    {
        var timeout = (limits ?? ScanLimits.Default).RegexTimeout;
        _rules = rules.Select(r => CompiledRule.Create(r, timeout)).ToArray();
        _prefilter = new LiteralPrefilter(rules.Select(r => r.Keywords).ToArray());
        Rules = rules;
    }

    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>
    /// Finds matches whose keyword lies in [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="text"/>.
    /// Windows may read outside that range, up to the ends of the text.
    /// </summary>
    public void Match(string text, int from, int to, List<PatternMatch> results)
    {
        var hits = new List<(int Rule, int Position)>();
        _prefilter.FindHits(text, from, to, (position, ruleIndexes) =>
        {
            var afterLetter = position > 0 && char.IsLetter(text[position - 1]);
            foreach (var rule in ruleIndexes)
            {
                if (!afterLetter || !_rules[rule].Rule.KeywordsAtWordStart) hits.Add((rule, position));
            }
        });
        if (hits.Count == 0) return;

        // Per rule, overlapping windows merge into one span, so the regex reads each character once however
        // many keywords a line or block holds (a multi-line rule would otherwise re-read 16 KiB per hit).
        hits.Sort();
        int rule = -1, start = 0, end = 0;
        foreach (var hit in hits)
        {
            var (hitStart, hitEnd) = Window(text, hit.Position, _rules[hit.Rule].Rule);
            if (hit.Rule == rule && hitStart <= end)
            {
                end = Math.Max(end, hitEnd);
                continue;
            }
            if (rule >= 0) MatchWindow(text, start, end, rule, results);
            (rule, start, end) = (hit.Rule, hitStart, hitEnd);
        }
        MatchWindow(text, start, end, rule, results);
    }

    private void MatchWindow(string text, int start, int end, int ruleIndex, List<PatternMatch> results)
    {
        var compiled = _rules[ruleIndex];
        try
        {
            // Most windows hold no match: the existence check allocates nothing and tracks no captures. A rule whose
            // windows usually match (a prompt-attack rule on attack text) skips it: the check would only read the
            // window twice. Either way the matches are the same; only the cost differs.
            var regex = compiled.Regex;
            if (compiled.CheckFirst && !regex.IsMatch(text.AsSpan(start, end - start)))
            {
                compiled.Counted(matched: false);
                return;
            }
            var any = false;
            for (var m = regex.Match(text, start, end - start); m.Success; m = m.NextMatch())
            {
                any = true;
                if (m.Length == 0) continue;
                var secret = compiled.SecretGroup is { } g && m.Groups[g] is { Success: true } group ? (group.Index, group.Length) : (m.Index, m.Length);
                if (Accept(compiled, text, m.Index, m.Index + m.Length, secret.Item1, secret.Item2))
                    results.Add(new PatternMatch(ruleIndex, m.Index, m.Index + m.Length, secret.Item1, secret.Item1 + secret.Item2));
            }
            compiled.Counted(any);
        }
        catch (RegexMatchTimeoutException)
        {
            // A backtracking pattern ran out of time on this window: skip the window, keep scanning.
        }
    }

    private static bool Accept(CompiledRule compiled, string text, int start, int end, int secretStart, int secretLength)
    {
        var rule = compiled.Rule;
        var secret = text.AsSpan(secretStart, secretLength);
        if (rule.MinEntropy > 0 && ShannonEntropy.Of(secret) < rule.MinEntropy) return false;
        if (!rule.AllowPlaceholders && PlaceholderFilter.IsPlaceholder(secret)) return false;
        if (compiled.Validators.Length > 0)
        {
            var value = secret.ToString();
            foreach (var validator in compiled.Validators)
            {
                if (!validator(value)) return false;
            }
        }
        return rule.ContextWords.Count == 0 || HasContext(text, start, end, rule);
    }

    private static bool HasContext(string text, int start, int end, Rule rule)
    {
        var from = Math.Max(0, start - rule.ContextWithin);
        var to = Math.Min(text.Length, end + rule.ContextWithin);
        var around = text.AsSpan(from, to - from);
        foreach (var word in rule.ContextWords)
        {
            if (around.Contains(word, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static (int Start, int End) Window(string text, int position, Rule rule)
    {
        var reach = rule.Window > 0 ? rule.Window : LineReach;
        var span = text.AsSpan();
        var backLimit = Math.Max(0, position - reach);
        var lineStart = span[backLimit..position].LastIndexOf('\n');
        var start = lineStart < 0 ? backLimit : backLimit + lineStart + 1;
        if (rule.Multiline) return (start, Math.Min(text.Length, position + BlockReach));
        var forwardLimit = Math.Min(text.Length, position + reach);
        var lineEnd = span[position..forwardLimit].IndexOf('\n');
        return (start, lineEnd < 0 ? forwardLimit : position + lineEnd);
    }

    /// <summary>A rule's pattern with the engine's running estimate of how often its windows match.</summary>
    private sealed class CompiledRule(RulePattern pattern)
    {
        public Rule Rule => pattern.Rule;
        public int? SecretGroup => pattern.SecretGroup;
        public Func<string, bool>[] Validators => pattern.Validators;
        public Regex Regex => pattern.Regex;

        // Windows run and windows that matched, decayed by halving both: a cheap, recent estimate of the match rate.
        // Races between scanning threads only blur the estimate (it picks a strategy, never a result).
        private int _seen;
        private int _matched;

        /// <summary>
        /// Whether to run the allocation-free existence check before collecting matches: worth it while most
        /// windows hold no match (secrets: nearly all), a second read of the window when most do.
        /// </summary>
        public bool CheckFirst => _matched * 2 < _seen || _seen < 16;

        public void Counted(bool matched)
        {
            var seen = _seen + 1;
            var hits = _matched + (matched ? 1 : 0);
            if (seen >= 1024) (seen, hits) = (seen / 2, hits / 2);
            (_seen, _matched) = (seen, hits);
        }

        public static CompiledRule Create(Rule rule, TimeSpan timeout) => new(RulePattern.Create(rule, timeout));
    }
}
