namespace Bulwark.Infra.Parsing;

/// <summary>
/// The value of one instruction in a stage's <c>instructions</c> list: <c>instruction</c> (keyword, upper case),
/// <c>arguments</c> (after the flags, continuations joined, heredoc bodies on the following lines), <c>flags</c>
/// (<c>--name=value</c>; a bare <c>--name</c> is Boolean true), <c>exec</c> (the exec form's strings, only when used)
/// and <c>heredocs</c> (name and body of each, only when used).
/// </summary>
internal static class DockerfileInstructionMap
{
    /// <summary>The instruction's map, or null once the file is over its value limit.</summary>
    public static InfraMap? Build(DockerfileInstruction instruction, TextParseBudget budget)
    {
        var (line, column) = instruction.Place;
        var values = 5 + instruction.Flags.Count + (instruction.Exec?.Count + 1 ?? 0) + (instruction.Heredocs.Count * 3) + 1;
        if (!budget.Spend(values, line, column)) return null;
        var (argumentsLine, argumentsColumn) = instruction.At(instruction.ArgumentsOffset);
        var entries = new List<InfraEntry>
        {
            new("instruction", new InfraScalar(instruction.Keyword, ScalarKind.Text, line, column), line, column),
            new("arguments", new InfraScalar(instruction.Arguments, ScalarKind.Text, argumentsLine, argumentsColumn), argumentsLine, argumentsColumn),
            new("flags", Flags(instruction, line, column), line, column),
        };
        if (instruction.Exec is { } exec)
        {
            var (execLine, execColumn) = instruction.At(instruction.ExecOffset);
            var items = exec.Select(item => Text(instruction, item.Value, item.Offset)).ToList();
            entries.Add(new("exec", new InfraList(items, execLine, execColumn), execLine, execColumn));
        }
        if (instruction.Heredocs.Count > 0)
        {
            var heredocs = instruction.Heredocs.Select(heredoc => Heredoc(instruction, heredoc)).ToList();
            entries.Add(new("heredocs", new InfraList(heredocs, line, column), line, column));
        }
        return new InfraMap(entries, line, column);
    }

    private static InfraMap Flags(DockerfileInstruction instruction, int line, int column)
    {
        var entries = new List<InfraEntry>(instruction.Flags.Count);
        foreach (var flag in instruction.Flags)
        {
            var (flagLine, flagColumn) = instruction.At(flag.Offset);
            InfraValue value = flag.Value is null
                ? new InfraScalar("true", ScalarKind.Boolean, flagLine, flagColumn)
                : Text(instruction, flag.Value, flag.ValueOffset);
            entries.Add(new InfraEntry(flag.Name, value, flagLine, flagColumn));
        }
        return new InfraMap(entries, line, column);
    }

    private static InfraMap Heredoc(DockerfileInstruction instruction, DockerfileHeredoc heredoc)
    {
        var (line, column) = instruction.At(heredoc.Offset);
        return new InfraMap(
        [
            new("name", new InfraScalar(heredoc.Name, ScalarKind.Text, line, column), line, column),
            new("body", new InfraScalar(heredoc.Body, ScalarKind.Text, heredoc.BodyLine, 1), heredoc.BodyLine, 1),
        ], line, column);
    }

    public static InfraScalar Text(DockerfileInstruction instruction, string text, int offset)
    {
        var (line, column) = instruction.At(offset);
        return new InfraScalar(text, ScalarKind.Text, line, column);
    }
}
