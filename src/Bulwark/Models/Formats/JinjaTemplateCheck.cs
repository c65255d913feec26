using System.Text.RegularExpressions;

namespace Bulwark.Models.Formats;

/// <summary>
/// Sandbox-escape patterns in a Jinja chat template. Loaders render chat templates with jinja2 (llama-cpp-python,
/// transformers, vLLM); a template that reaches Python objects through dunder attributes or Jinja's globals escapes
/// the (sometimes absent) sandbox and runs code when the first prompt is formatted. Real chat templates use loops,
/// conditionals, <c>namespace()</c>, <c>raise_exception</c> and string filters — never any of these.
/// </summary>
public static partial class JinjaTemplateCheck
{
    /// <summary>The patterns, as documented in docs/models-formats.md.</summary>
    public static IReadOnlyList<string> Patterns { get; } =
    [
        "__class__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__import__", "__base__", "__bases__",
        "__init__", "__dict__", "__getattribute__", "__code__", "__reduce__", "__loader__", "__spec__", "any other __dunder__",
        "os.popen", "os.system", "subprocess", "popen(", "eval(", "exec(", "import os",
        "lipsum", "cycler", "joiner", "url_for", "get_flashed_messages", "request.application", "config.__class__",
        "self._TemplateReference__context", "_TemplateReference", ".mro(",
        "\\x5f / \\u005f / \\137 (escaped underscores)", "'_' * 2 / '_'~'_' (built underscores)",
    ];

    // Any dunder name: chat templates never need one; every known jinja2 escape goes through one.
    [GeneratedRegex(@"__[A-Za-z][A-Za-z0-9_]*?__")]
    private static partial Regex Dunder();

    [GeneratedRegex(@"\bos\s*\.\s*(popen|system|exec\w*|spawn\w*)|\bsubprocess\b|\bpopen\s*\(|\b(eval|exec)\s*\(|\bimport\s+os\b|\.mro\s*\(")]
    private static partial Regex Execution();

    [GeneratedRegex(@"\b(lipsum|cycler|joiner|url_for|get_flashed_messages)\b|\brequest\s*\.\s*application\b|\bself\s*\.\s*_|_TemplateReference")]
    private static partial Regex JinjaGlobals();

    [GeneratedRegex(@"\\x5[fF]|\\u005[fF]|\\U0000005[fF]|\\137|['""]_['""]\s*\*\s*\d|['""]_['""]\s*~\s*['""]_['""]")]
    private static partial Regex ObfuscatedUnderscore();

    /// <summary>The first few distinct escape patterns found in <paramref name="template"/> (empty when clean).</summary>
    public static IReadOnlyList<string> Find(string template, int max = 5)
    {
        var found = new List<string>();
        foreach (var regex in new[] { Dunder(), Execution(), JinjaGlobals(), ObfuscatedUnderscore() })
        {
            foreach (Match m in regex.Matches(template))
            {
                if (!found.Contains(m.Value, StringComparer.Ordinal))
                {
                    found.Add(m.Value);
                }

                if (found.Count >= max)
                {
                    return found;
                }
            }
        }

        return found;
    }
}
