namespace Bulwark.Cli;

/// <summary>The documented exit codes (docs/commands/README.md). Never negative: POSIX keeps only 0–255.</summary>
public static class ExitCodes
{
    /// <summary>Nothing at or over the <c>--fail-on</c> threshold; the command did its work.</summary>
    public const int Clean = 0;

    /// <summary>Findings at or over the threshold, or failed rule self-tests.</summary>
    public const int Findings = 1;

    /// <summary>Usage or input error: a bad option, a missing path, a broken rule pack.</summary>
    public const int InputError = 2;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
