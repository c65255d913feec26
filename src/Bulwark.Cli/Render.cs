using Bulwark.Kernel;

namespace Bulwark.Cli;

/// <summary>Console colours for severities, in one place.</summary>
internal static class Render
{
    public static string Severity(Severity severity) => severity switch
    {
        Kernel.Severity.Critical => "[bold red]critical[/]",
        Kernel.Severity.High => "[red]high[/]",
        Kernel.Severity.Medium => "[yellow]medium[/]",
        Kernel.Severity.Low => "[blue]low[/]",
        _ => "[grey]info[/]",
    };
}
