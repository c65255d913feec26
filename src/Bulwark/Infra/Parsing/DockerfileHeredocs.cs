using System.Text;

namespace Bulwark.Infra.Parsing;

/// <summary>Heredoc markers and bodies: which words open one, and how bodies join an instruction's arguments.</summary>
internal static class DockerfileHeredocs
{
    /// <summary>Docker's <c>^(\d*)&lt;&lt;(-?)([^&lt;]*)$</c>, the name unquoted.</summary>
    public static bool TryMarker(ReadOnlySpan<char> word, out string name, out bool chomp)
    {
        name = "";
        var i = 0;
        while (i < word.Length && char.IsAsciiDigit(word[i])) i++;
        if (!word[i..].StartsWith("<<"))
        {
            chomp = false;
            return false;
        }
        i += 2;
        chomp = i < word.Length && word[i] == '-';
        if (chomp) i++;
        var rest = word[i..];
        if (rest.IsEmpty || rest.Contains('<')) return false;
        name = DockerfileWords.Unquote(rest, DockerfileDirectives.DefaultEscape, out _);
        return name.Length > 0;
    }

    /// <summary>The arguments, then each non-empty body on the following lines, within the instruction limit.</summary>
    public static string AppendBodies(string arguments, List<DockerfileHeredoc> heredocs, out bool truncated)
    {
        truncated = false;
        if (heredocs.Count == 0) return arguments;
        var text = new StringBuilder(arguments);
        foreach (var heredoc in heredocs)
        {
            if (heredoc.Body.Length == 0) continue;
            var room = DockerfileText.MaxChars - text.Length - 1;
            if (room < heredoc.Body.Length) truncated = true;
            if (room <= 0) break;
            text.Append('\n').Append(heredoc.Body.AsSpan(0, Math.Min(room, heredoc.Body.Length)));
        }
        return text.ToString();
    }
}
