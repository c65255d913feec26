using System.Text;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// One instruction's text joined from its continuation lines, one space between pieces, with the source place of
/// every piece so a word found in the joined text still points at its own line and column. Bounded: past
/// <see cref="MaxChars"/> the rest is dropped and <see cref="Truncated"/> says so.
/// </summary>
internal sealed class DockerfileText
{
    /// <summary>Longest joined instruction, heredoc bodies included: 1 MiB of characters.</summary>
    public const int MaxChars = 1 << 20;

    private readonly StringBuilder builder = new();
    private readonly List<(int Offset, int Line, int Column)> pieces = [];
    private string? value;

    public bool Truncated { get; private set; }

    public int Length => builder.Length;

    public string Value => value ??= builder.ToString();

    /// <summary>Appends a piece that starts at <paramref name="line"/>:<paramref name="column"/> (1-based).</summary>
    public void Append(ReadOnlySpan<char> piece, int line, int column)
    {
        piece = piece.TrimEnd();
        if (piece.IsEmpty) return;
        var separator = builder.Length > 0 ? 1 : 0;
        var room = MaxChars - builder.Length - separator;
        if (piece.Length > room)
        {
            Truncated = true;
            if (room <= 0) return;
            piece = piece[..room];
        }
        if (separator > 0) builder.Append(' ');
        pieces.Add((builder.Length, line, column));
        builder.Append(piece);
        value = null;
    }

    /// <summary>The source line and column of the character at <paramref name="offset"/> of <see cref="Value"/>.</summary>
    public (int Line, int Column) At(int offset)
    {
        if (pieces.Count == 0) return (1, 1);
        int low = 0, high = pieces.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (pieces[middle].Offset <= offset) low = middle;
            else high = middle - 1;
        }
        var piece = pieces[low];
        return (piece.Line, piece.Column + Math.Max(offset - piece.Offset, 0));
    }
}
