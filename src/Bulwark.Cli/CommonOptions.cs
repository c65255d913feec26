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

    public static readonly Option<string?> NerModel = new("--ner-model")
    {
        Description = "Token-classification ONNX model directory (model.onnx, vocab.txt, labels): adds the NER rules (docs/ner.md)",
    };

    /// <summary>The rule options plus <c>--ner-model</c>, for commands that run the PII detectors.</summary>
    public static void AddRuleAndNerOptions(Command command)
    {
        AddRuleOptions(command);
        command.Options.Add(NerModel);
    }

    /// <summary>The model named by <c>--ner-model</c>, loaded (a bad one is an input error); null without the option.</summary>
    public static Data.Pii.Ner.NerModel? LoadNerModel(ParseResult parse) =>
        HasNerOption(parse) && parse.GetValue(NerModel) is { } directory ? Data.Pii.Ner.NerModel.Load(directory) : null;

    private static bool HasNerOption(ParseResult parse) => parse.CommandResult.Command.Options.Contains(NerModel);

    public static void AddRuleOptions(Command command)
    {
        command.Options.Add(Rules);
        command.Options.Add(Disable);
        command.Options.Add(NoDefaultRules);
    }

    /// <param name="includeNer">Add the optional NER pack even without <c>--ner-model</c> (rule docs).</param>
    public static RuleCatalog LoadCatalog(ParseResult parse, bool includeNer = false)
    {
        var disabled = (parse.GetValue(Disable) ?? []).SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var ner = includeNer || (HasNerOption(parse) && parse.GetValue(NerModel) is not null);
        return RuleCatalog.Load(parse.GetValue(Rules) ?? [], disabled, includeEmbedded: !parse.GetValue(NoDefaultRules), includeNer: ner);
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
