using System.CommandLine;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark model …</c>: the model pillar's commands (signing and the AI-BOM here; scanning beside them).</summary>
internal static class ModelCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new Command("model", "Model pillar: sign and verify model directories, AI bill of materials");
        foreach (var command in ModelSigningCommands.Create(stdout, stderr)) model.Subcommands.Add(command);
        return model;
    }
}
