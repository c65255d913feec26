namespace Bulwark.Infra.Parsing;

/// <summary>
/// <c>ENV</c> and <c>ARG</c> as Docker reads them: <c>ENV a=b c="d e"</c> (and the legacy <c>ENV a b c</c>, one
/// variable whose value is the rest), <c>ARG name[=default]</c>. Values lose their quotes and escapes; <c>$VAR</c>
/// references stay as written since build arguments are not known here.
/// </summary>
internal static class DockerfileVariables
{
    public static void ReadEnv(DockerfileInstruction instruction, LastWinsEntries env, char escape, TextParseBudget budget)
    {
        var text = instruction.Text.Value;
        var words = DockerfileWords.Split(text, instruction.ArgumentsOffset, escape);
        if (words.Count == 0) return;
        if (text.AsSpan(words[0].Start, words[0].End - words[0].Start).IndexOf('=') < 0)
        {
            ReadLegacyEnv(instruction, env, escape, budget);
            return;
        }
        foreach (var (start, end) in words)
        {
            var raw = text.AsSpan(start, end - start);
            var equals = raw.IndexOf('=');
            if (equals < 0)
            {
                var (line, column) = instruction.At(start);
                budget.Error($"ENV: can't find = in {TextParseBudget.Shorten(raw)}; it must be of the form name=value", line, column);
                continue;
            }
            if (!Bind(instruction, env, start, end, equals, escape, budget)) return;
        }
    }

    public static void ReadArgs(DockerfileInstruction instruction, LastWinsEntries args, char escape, TextParseBudget budget)
    {
        var text = instruction.Text.Value;
        foreach (var (start, end) in DockerfileWords.Split(text, instruction.ArgumentsOffset, escape))
        {
            var equals = text.AsSpan(start, end - start).IndexOf('=');
            if (equals >= 0)
            {
                if (!Bind(instruction, args, start, end, equals, escape, budget)) return;
                continue;
            }
            var (line, column) = instruction.At(start);
            if (!budget.Spend(1, line, column)) return;
            var name = DockerfileWords.Unquote(text.AsSpan(start, end - start), escape, out _);
            args.Set(new InfraEntry(name, new InfraScalar("", ScalarKind.Null, line, column), line, column));
        }
    }

    /// <summary><c>ENV name value…</c>: the name is the first word, the value all the rest.</summary>
    private static void ReadLegacyEnv(DockerfileInstruction instruction, LastWinsEntries env, char escape, TextParseBudget budget)
    {
        var text = instruction.Text.Value;
        var start = instruction.ArgumentsOffset;
        var end = start;
        while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
        var valueStart = end;
        while (valueStart < text.Length && char.IsWhiteSpace(text[valueStart])) valueStart++;
        var (line, column) = instruction.At(start);
        if (valueStart == text.Length)
        {
            budget.Error("ENV must have two arguments: ENV name value, or ENV name=value", line, column);
            return;
        }
        if (!budget.Spend(1, line, column)) return;
        var value = Value(instruction, text.AsSpan(valueStart), valueStart, escape, budget);
        env.Set(new InfraEntry(text[start..end], value, line, column));
    }

    /// <summary>Binds <c>name=value</c> (the word <paramref name="start"/>..<paramref name="end"/>); false once over the value limit.</summary>
    private static bool Bind(DockerfileInstruction instruction, LastWinsEntries variables, int start, int end, int equals, char escape, TextParseBudget budget)
    {
        var text = instruction.Text.Value;
        var (line, column) = instruction.At(start);
        if (!budget.Spend(1, line, column)) return false;
        var name = DockerfileWords.Unquote(text.AsSpan(start, equals), escape, out _);
        if (name.Length == 0)
        {
            budget.Error($"{instruction.Keyword} names can not be blank", line, column);
            return true;
        }
        var value = Value(instruction, text.AsSpan(start + equals + 1, end - start - equals - 1), start + equals + 1, escape, budget);
        variables.Set(new InfraEntry(name, value, line, column));
        return true;
    }

    private static InfraScalar Value(DockerfileInstruction instruction, ReadOnlySpan<char> raw, int offset, char escape, TextParseBudget budget)
    {
        var scalar = DockerfileInstructionMap.Text(instruction, DockerfileWords.Unquote(raw, escape, out var unterminated), offset);
        if (unterminated) budget.Error($"{instruction.Keyword}: unterminated quote in the value", scalar.Line, scalar.Column);
        return scalar;
    }
}
