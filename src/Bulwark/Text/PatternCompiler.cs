using System.Text.RegularExpressions;
using Bulwark.Kernel;

namespace Bulwark.Text;

/// <summary>
/// Compiles rule patterns safely. The non-backtracking engine runs in linear time, so a hostile input cannot
/// stall it; a pattern that needs backtracking constructs (lookarounds, backreferences) falls back to the
/// backtracking engine with a match timeout instead.
/// </summary>
public static class PatternCompiler
{
    private const RegexOptions Common = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    public static Regex Compile(string pattern, TimeSpan timeout, string ruleId, string source)
    {
        try
        {
            return new Regex(pattern, Common | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            // Construct the linear engine cannot run: use backtracking, bounded by the timeout.
            return CompileBacktracking(pattern, timeout, ruleId, source);
        }
        catch (ArgumentException e)
        {
            throw new BulwarkInputException($"{source}: rule {ruleId}: invalid pattern: {e.Message}", e);
        }
    }

    private static Regex CompileBacktracking(string pattern, TimeSpan timeout, string ruleId, string source)
    {
        try
        {
            return new Regex(pattern, Common | RegexOptions.Compiled, timeout);
        }
        catch (ArgumentException e)
        {
            throw new BulwarkInputException($"{source}: rule {ruleId}: invalid pattern: {e.Message}", e);
        }
    }

    public static bool IsNonBacktracking(Regex regex) => (regex.Options & RegexOptions.NonBacktracking) != 0;
}
