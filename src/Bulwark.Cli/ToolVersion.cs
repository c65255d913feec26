using System.Reflection;

namespace Bulwark.Cli;

/// <summary>The version reports name: the CLI's informational version without the commit suffix.</summary>
internal static class ToolVersion
{
    public static string Current { get; } =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
