using System.CommandLine;
using System.Text.Json.Nodes;
using Bulwark.Kernel.RulePacks;
using Bulwark.Usage;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark classify --jsonl</c>: prompt-attack verdicts for JSON lines on stdin, one line out per line in:
/// <c>{"id", "attack", "score", "categories", "rules"}</c>. A bad line gets an error object and the rest still run.
/// </summary>
internal static class ClassifyCommand
{
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var jsonl = new Option<bool>("--jsonl") { Description = "Read {\"id\", \"text\"} lines on stdin, write verdict lines on stdout", Required = true };
        var model = new Option<string?>("--model") { Description = "Model file from `bulwark usage train` (default: the embedded model)" };
        var command = new Command("classify", "Detect prompt injection and jailbreaks in JSON lines") { jsonl, model };
        CommonOptions.AddRuleOptions(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            var loaded = parse.GetValue(model) is { } path ? PromptAttackModel.Load(path) : PromptAttackModel.LoadEmbedded();
            var classifier = new PromptAttackClassifier(catalog.Rules, loaded);
            return Task.FromResult(JsonLines.Process(stdin, stdout, stderr, text =>
            {
                var verdict = classifier.Classify(text);
                return new JsonObject
                {
                    ["attack"] = verdict.IsAttack,
                    ["score"] = Math.Round(verdict.Score, 4),
                    ["categories"] = new JsonArray([.. verdict.Categories.Select(c => JsonValue.Create(c))]),
                    ["rules"] = new JsonArray([.. verdict.Rules.Select(r => JsonValue.Create(r))]),
                };
            }, cancellationToken));
        });
        return command;
    }
}
