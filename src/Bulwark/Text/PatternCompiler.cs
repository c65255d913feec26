using System.Text.RegularExpressions;
using Bulwark.Kernel;

namespace Bulwark.Text;

/// <summary>
/// Compiles rule patterns safely. Patterns run only on bounded windows around a keyword (a line, or 16 KiB for
/// multi-line rules) and every evaluation carries a match timeout, so a pathological pattern or input costs at
/// most the timeout for that window, never a stalled scan.
/// </summary>
/// <remarks>
/// The linear-time <see cref="RegexOptions.NonBacktracking"/> engine was the first choice, but with 300+ rules
/// its construction took seconds and hundreds of megabytes (counted repetitions such as <c>{16,200}</c> unroll
/// into automaton states): more than a whole scan of a large tree. The backtracking engine builds in
/// microseconds; the timeout bounds it.
/// </remarks>
public static class PatternCompiler
{
    private const RegexOptions Common = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <param name="compiled">Emit IL (fast matching, milliseconds to build and JIT) rather than interpret.</param>
    public static Regex Compile(string pattern, TimeSpan timeout, string ruleId, string source, bool compiled = false)
    {
        try
        {
            return new Regex(pattern, Common | (compiled ? RegexOptions.Compiled : RegexOptions.None), timeout);
        }
        catch (ArgumentException e)
        {
            throw new BulwarkInputException($"{source}: rule {ruleId}: invalid pattern: {e.Message}", e);
        }
    }
}
