using System.Globalization;

namespace Bulwark.Infra.Parsing;

/// <summary>
/// Gives each instruction its meaning: <c>FROM</c> opens a stage, <c>ARG</c> before the first <c>FROM</c> is a global
/// argument, <c>ENV</c>/<c>ARG</c>/<c>USER</c>/<c>EXPOSE</c> fill the current stage. An instruction that cannot be
/// read is reported and skipped, and reading goes on.
/// </summary>
internal sealed class DockerfileStages(TextParseBudget budget, char escape)
{
    /// <summary>Instructions Docker rejects without arguments (RUN, CMD, … are left to the build).</summary>
    private static readonly HashSet<string> NeedArguments = new(
        ["FROM", "ENV", "ARG", "USER", "EXPOSE", "WORKDIR", "COPY", "ADD", "LABEL", "ONBUILD", "STOPSIGNAL", "VOLUME", "MAINTAINER"],
        StringComparer.Ordinal);

    private readonly List<DockerfileStage> stages = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly LastWinsEntries globalArgs = new();
    private (int Line, int Column)? globalArgsPlace;

    public void Add(DockerfileInstruction instruction)
    {
        var keyword = instruction.Keyword;
        var (line, column) = instruction.Place;
        if (!instruction.Known)
        {
            budget.Error($"unknown instruction: {TextParseBudget.Shorten(keyword)}", line, column);
            return;
        }
        if (instruction.Arguments.Length == 0 && NeedArguments.Contains(keyword))
        {
            budget.Error($"{keyword} requires at least one argument", line, column);
            if (keyword != "FROM") return;
        }
        if (keyword == "FROM") StartStage(instruction);
        else if (stages.Count == 0)
        {
            if (keyword == "ARG")
            {
                globalArgsPlace ??= (line, column);
                DockerfileVariables.ReadArgs(instruction, globalArgs, escape, budget);
            }
            else budget.Error($"{keyword} before the first FROM: only ARG may come before it", line, column);
            return;
        }
        var stage = stages[^1];
        Apply(stage, instruction);
        if (DockerfileInstructionMap.Build(instruction, budget) is { } map) stage.Instructions.Add(map);
    }

    public List<InfraResource> Build(string path)
    {
        if (stages.Count == 0)
        {
            budget.Error("no FROM instruction: the file declares no build stage", 1, 1);
            return [];
        }
        var globals = globalArgsPlace is var (line, column) ? globalArgs.ToMap(line, column) : null;
        return [.. stages.Select((stage, index) => stage.Build(path, index == stages.Count - 1, globals))];
    }

    private void Apply(DockerfileStage stage, DockerfileInstruction instruction)
    {
        switch (instruction.Keyword)
        {
            case "ENV": DockerfileVariables.ReadEnv(instruction, stage.Env, escape, budget); break;
            case "ARG": DockerfileVariables.ReadArgs(instruction, stage.Args, escape, budget); break;
            case "USER": stage.User = Entry("user", instruction, instruction.Arguments.TrimEnd(), instruction.ArgumentsOffset); break;
            case "EXPOSE":
                var text = instruction.Text.Value;
                foreach (var (start, end) in DockerfileWords.Split(text, instruction.ArgumentsOffset, escape))
                {
                    var port = DockerfileInstructionMap.Text(instruction, text[start..end], start);
                    if (!budget.Spend(1, port.Line, port.Column)) return;
                    stage.Expose.Add(port);
                }
                break;
        }
    }

    /// <summary><c>FROM [--platform=…] image [AS name]</c>.</summary>
    private void StartStage(DockerfileInstruction instruction)
    {
        var (line, column) = instruction.Place;
        var text = instruction.Text.Value;
        var words = DockerfileWords.Split(text, instruction.ArgumentsOffset, escape);
        var named = words.Count >= 3 && text.AsSpan(words[1].Start, words[1].End - words[1].Start).Equals("AS", StringComparison.OrdinalIgnoreCase);
        if (words.Count > 0 && !(words.Count == 1 || (words.Count == 3 && named)))
            budget.Error("FROM requires either one or three arguments: FROM image [AS name]", line, column);
        var name = stages.Count.ToString(CultureInfo.InvariantCulture);
        if (named)
        {
            // Docker compares stage names in lower case (COPY --from=Build finds "AS build").
            name = text[words[2].Start..words[2].End].ToLowerInvariant();
            var (nameLine, nameColumn) = instruction.At(words[2].Start);
            if (!IsStageName(name)) budget.Error($"invalid name for build stage: {TextParseBudget.Shorten(name)}; it must start with a letter and hold only letters, digits, '-', '_' and '.'", nameLine, nameColumn);
            else if (!names.Add(name)) budget.Error($"duplicate name for build stage: {TextParseBudget.Shorten(name)}", nameLine, nameColumn);
        }
        if (!budget.Spend(8, line, column)) return;
        var stage = new DockerfileStage(name, line, column);
        if (words.Count > 0) stage.From = Entry("from", instruction, text[words[0].Start..words[0].End], words[0].Start);
        if (instruction.Flags.FirstOrDefault(flag => flag.Name == "platform" && flag.Value is not null) is { } platform)
            stage.Platform = Entry("platform", instruction, platform.Value!, platform.ValueOffset);
        stages.Add(stage);
    }

    /// <summary>An entry whose key sits at the instruction and whose text value sits where it is written.</summary>
    private static InfraEntry Entry(string key, DockerfileInstruction instruction, string value, int offset)
    {
        var (line, column) = instruction.Place;
        return new InfraEntry(key, DockerfileInstructionMap.Text(instruction, value, offset), line, column);
    }

    private static bool IsStageName(string name) =>
        name.Length > 0 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');
}
