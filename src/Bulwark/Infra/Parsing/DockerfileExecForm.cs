using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// The exec form of <c>RUN</c>, <c>CMD</c>, <c>ENTRYPOINT</c>, <c>COPY</c>…: a JSON array of strings. As in Docker,
/// text that is not a JSON array is the shell form (no error), while a JSON array holding anything but strings is an
/// error. Strings keep their offsets so each item points at its own column.
/// </summary>
internal static class DockerfileExecForm
{
    public enum Outcome
    {
        /// <summary>Not a JSON array: Docker reads the text as the shell form.</summary>
        ShellForm,
        Strings,

        /// <summary>A valid JSON array with a number, object, … in it: Docker rejects the instruction.</summary>
        NotStrings,
    }

    public static Outcome Parse(string text, int from, int maxDepth, out List<(string Value, int Offset)> items)
    {
        items = [];
        var i = SkipSpace(text, from);
        if (i >= text.Length || text[i] != '[') return Outcome.ShellForm;
        var open = i;
        i = SkipSpace(text, i + 1);
        if (i < text.Length && text[i] == ']') return SkipSpace(text, i + 1) == text.Length ? Outcome.Strings : Outcome.ShellForm;
        while (i < text.Length)
        {
            if (text[i] != '"') return IsJsonArray(text, open, maxDepth) ? Outcome.NotStrings : Outcome.ShellForm;
            var start = i;
            var value = ReadString(text, ref i);
            if (value is null) return Outcome.ShellForm;
            items.Add((value, start));
            i = SkipSpace(text, i);
            if (i >= text.Length) return Outcome.ShellForm;
            if (text[i] == ']') return SkipSpace(text, i + 1) == text.Length ? Outcome.Strings : Outcome.ShellForm;
            if (text[i] != ',') return Outcome.ShellForm;
            i = SkipSpace(text, i + 1);
        }
        return Outcome.ShellForm;
    }

    /// <summary>A JSON string from the quote at <paramref name="i"/>, decoded; null when it is not valid JSON.</summary>
    private static string? ReadString(string text, ref int i)
    {
        var value = new StringBuilder();
        for (i++; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                i++;
                return value.ToString();
            }
            if (c < ' ') return null;
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            if (++i >= text.Length) return null;
            switch (text[i])
            {
                case '"' or '\\' or '/': value.Append(text[i]); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'u' when i + 4 < text.Length
                    && ushort.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    value.Append((char)code);
                    i += 4;
                    break;
                default: return null;
            }
        }
        return null;
    }

    /// <summary>Whether the text from <paramref name="open"/> is one valid JSON array (only asked once it holds a non-string).</summary>
    private static bool IsJsonArray(string text, int open, int maxDepth)
    {
        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(open), new JsonDocumentOptions { MaxDepth = Math.Max(maxDepth, 1) });
            return document.RootElement.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t' or '\r' or '\n') i++;
        return i;
    }
}
