using System.Text.RegularExpressions;
using Bulwark.Kernel;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Text;

/// <summary>
/// A rule's regular expression as the engines run it (the pattern engine, the PII recognisers), with its secret
/// group and validators resolved. It starts interpreted, cheap to build since most rules run rarely, and is compiled to
/// IL once it has run on <see cref="CompileAfterWindows"/> windows, so a scan pays compilation only for rules that
/// fire often. Thread-safe.
/// </summary>
public sealed class RulePattern
{
    public const int CompileAfterWindows = 256;

    /// <summary>
    /// Longer patterns stay interpreted. Their compiled matcher (nested alternations and backtracking loops, 50+ KB of
    /// IL) is past what the JIT optimises; it compiles it without optimisation ("switched to MinOpts") and the result
    /// ran 30-50 % slower than the interpreter. Matches are the same either way.
    /// </summary>
    public const int MaxCompiledPatternLength = 2500;

    private readonly TimeSpan _timeout;
    private Regex _regex;
    private int _windows;

    private RulePattern(Rule rule, Regex regex, TimeSpan timeout, int? secretGroup, Func<string, bool>[] validators)
    {
        Rule = rule;
        _regex = regex;
        _timeout = timeout;
        SecretGroup = secretGroup;
        Validators = validators;
    }

    public Rule Rule { get; }

    public int? SecretGroup { get; }

    public Func<string, bool>[] Validators { get; }

    /// <summary>The regex for the next window: interpreted until the rule has proved busy, then compiled.</summary>
    public Regex Regex
    {
        get
        {
            if (_windows < CompileAfterWindows && Interlocked.Increment(ref _windows) == CompileAfterWindows && Rule.Pattern.Length <= MaxCompiledPatternLength)
                Volatile.Write(ref _regex, WarmedUp(PatternCompiler.Compile(Rule.Pattern, _timeout, Rule.Id, Rule.Source, compiled: true)));
            return Volatile.Read(ref _regex);
        }
    }

    /// <exception cref="BulwarkInputException">The rule names a validator that does not exist.</exception>
    public static RulePattern Create(Rule rule, TimeSpan timeout)
    {
        var regex = PatternCompiler.Compile(rule.Pattern, timeout, rule.Id, rule.Source);
        var group = regex.GroupNumberFromName(rule.SecretGroup);
        var validators = rule.Validators.Select(name => ValueValidators.TryGet(name, out var v)
            ? v
            : throw new BulwarkInputException($"{rule.Source}: rule {rule.Id}: unknown validator '{name}' (known: {ValueValidators.Describe()})")).ToArray();
        return new RulePattern(rule, regex, timeout, group >= 0 ? group : null, validators);
    }

    /// <summary>
    /// Runs the compiled regex once on a sample before it replaces the interpreted one. The JIT compiles its matcher
    /// on the first call, inside the match timeout: for a large pattern on a loaded machine that took long enough to
    /// time out, and the window it happened on lost its matches (a result that depended on load).
    /// </summary>
    private Regex WarmedUp(Regex regex)
    {
        try
        {
            regex.IsMatch(Rule.MustMatch.Count > 0 ? Rule.MustMatch[0] : Rule.Id);
        }
        catch (RegexMatchTimeoutException)
        {
            // The sample itself ran out of time: nothing is lost, the matcher is compiled all the same.
        }
        return regex;
    }
}
