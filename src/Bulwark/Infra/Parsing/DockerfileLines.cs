namespace Bulwark.Infra.Parsing;

/// <summary>
/// The physical lines of a Dockerfile, split on <c>\n</c> with trailing <c>\r</c> dropped (as Docker's scanner does),
/// and a leading byte-order mark skipped so columns count from the first real character.
/// </summary>
internal sealed class DockerfileLines
{
    private readonly string text;
    private readonly List<int> starts = [];
    private readonly int origin;

    public DockerfileLines(string text)
    {
        this.text = text;
        origin = text.StartsWith('\uFEFF') ? 1 : 0;
        starts.Add(origin);
        for (var i = text.IndexOf('\n', origin); i >= 0; i = text.IndexOf('\n', i + 1)) starts.Add(i + 1);
    }

    public int Count => starts.Count;

    /// <summary>The text of the 0-based line <paramref name="index"/>, without its line break.</summary>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            var start = starts[index];
            var end = index + 1 < starts.Count ? starts[index + 1] - 1 : text.Length;
            return text.AsSpan(start, end - start).TrimEnd('\r');
        }
    }

    /// <summary>How many spaces, tabs and other white-space characters open <paramref name="line"/>.</summary>
    public static int Indent(ReadOnlySpan<char> line)
    {
        var i = 0;
        while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
        return i;
    }

    /// <summary>Blank, or a comment: Docker drops both before reading instructions, also inside a continuation.</summary>
    public static bool IsBlankOrComment(ReadOnlySpan<char> line)
    {
        var indent = Indent(line);
        return indent == line.Length || line[indent] == '#';
    }
}
