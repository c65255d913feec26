using System.CommandLine;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark gov …</c>: the governance pillar's commands (docs/governance-drift.md, docs/governance-bias.md).</summary>
internal static class GovCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var gov = new Command("gov", "Governance pillar: posture assessment, AI inventory, framework controls and coverage, drift and bias monitoring");
        gov.Subcommands.Add(GovDriftCommand.Create(stdout, stderr, rawStdout));
        gov.Subcommands.Add(GovBiasCommand.Create(stdout, stderr, rawStdout));
        gov.Subcommands.Add(GovAssessCommand.Create(stdout, stderr, rawStdout));
        gov.Subcommands.Add(GovQuestionnaireCommand.Create(stderr, rawStdout));
        gov.Subcommands.Add(GovControlsCommand.Create(stdout, stderr, rawStdout));
        gov.Subcommands.Add(GovInventoryCommand.Create(stdout, stderr, rawStdout));
        return gov;
    }
}
