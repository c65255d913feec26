using Bulwark.Kernel;
using System.CommandLine;
using Bulwark.Kernel.RulePacks;

namespace Bulwark.Cli;

/// <summary>Options shared by every command that loads rules.</summary>
internal static class CommonOptions
{
    public static readonly Option<string[]> Rules = new("--rules")
    {
        Description = "Extra rule pack file or directory (repeatable)",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Option<string[]> Disable = new("--disable")
    {
        Description = "Rule id to switch off (repeatable, or comma-separated)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static readonly Option<bool> NoDefaultRules = new("--no-default-rules")
    {
        Description = "Use only the packs given with --rules",
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show stack traces for errors and more detail",
        Recursive = true,
    };

    public static void AddRuleOptions(Command command)
    {
        command.Options.Add(Rules);
        command.Options.Add(Disable);
        command.Options.Add(NoDefaultRules);
    }

    public static RuleCatalog LoadCatalog(ParseResult parse)
    {
        var disabled = (parse.GetValue(Disable) ?? []).SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return RuleCatalog.Load(parse.GetValue(Rules) ?? [], disabled, includeEmbedded: !parse.GetValue(NoDefaultRules));
    }

    /// <summary>A small text file the user named (a system prompt, say), or a clear error.</summary>
    public static string ReadInputFile(string path, long maxBytes = 1024 * 1024)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new BulwarkInputException($"'{path}' does not exist");
            if (info.Length > maxBytes) throw new BulwarkInputException($"'{path}' is {info.Length:N0} bytes, over the {maxBytes:N0}-byte limit");
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BulwarkInputException($"cannot read '{path}': {e.Message}", e);
        }
    }
}
