using System.CommandLine;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark infra …</c>: the infrastructure pillar. <c>probe</c> fingerprints live AI services (docs/infra-probe.md).</summary>
internal static class InfraCommand
{
    public static Command Create(IAnsiConsole stdout, IAnsiConsole stderr, TextWriter rawStdout)
    {
        var infra = new Command("infra", "Infrastructure pillar: exposed and misconfigured AI infrastructure");
        infra.Subcommands.Add(InfraProbeCommand.Create(stdout, stderr, rawStdout));
        return infra;
    }
}
