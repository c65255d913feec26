namespace Bulwark.Infra.Parsing;

/// <summary>A <c>--name=value</c> flag of an instruction; <see cref="Value"/> is null for a bare <c>--name</c>.</summary>
internal sealed record DockerfileFlag(string Name, string? Value, int Offset, int ValueOffset);

/// <summary>A here-document's body, read from the lines after its instruction.</summary>
internal sealed record DockerfileHeredoc(string Name, int Offset, string Body, int BodyLine);

/// <summary>One instruction as read: keyword, flags, exec form and heredocs; what it means is for the stage reader.</summary>
internal sealed class DockerfileInstruction
{
    /// <summary>The keyword in upper case.</summary>
    public required string Keyword { get; init; }

    public required bool Known { get; init; }

    /// <summary>The joined text, keyword first; offsets below are into its <see cref="DockerfileText.Value"/>.</summary>
    public required DockerfileText Text { get; init; }

    /// <summary>Where the arguments start, after the keyword and the flags.</summary>
    public required int ArgumentsOffset { get; init; }

    /// <summary>The arguments with heredoc bodies appended, one line each.</summary>
    public required string Arguments { get; init; }

    public required IReadOnlyList<DockerfileFlag> Flags { get; init; }

    /// <summary>The exec form's strings with their offsets, or null for the shell form.</summary>
    public List<(string Value, int Offset)>? Exec { get; init; }

    public int ExecOffset { get; init; }

    public IReadOnlyList<DockerfileHeredoc> Heredocs { get; init; } = [];

    public (int Line, int Column) At(int offset) => Text.At(offset);

    public (int Line, int Column) Place => Text.At(0);
}
