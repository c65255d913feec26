using System.CommandLine;
using Bulwark.Usage;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark usage train</c>: train the prompt-attack model reproducibly (fixed seed).</summary>
internal static class UsageCommand
{
    public static Command Create(IAnsiConsole stderr)
    {
        var data = new Option<string[]>("--data") { Description = "Labelled JSON lines (text, is_attack, source_dataset, optional category); repeatable, e.g. the combined evaluation set and eval/data/authored-prompts.jsonl", Required = true, Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the model", DefaultValueFactory = _ => "src/Bulwark/Usage/prompt-attack.model" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => new PromptAttackTrainer.Options().Seed };
        var train = new Command("train", "Train the prompt-attack classifier on labelled prompts") { data, output, seed };
        CommonOptions.AddRuleOptions(train);
        train.SetAction(parse =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            var prompts = parse.GetValue(data)!.SelectMany(LabeledPromptReader.Read).ToList();
            var trainer = new PromptAttackTrainer(catalog.Rules);
            var features = trainer.Featurize(prompts);
            var model = trainer.Train(prompts, features, Enumerable.Range(0, prompts.Count).ToArray(), new PromptAttackTrainer.Options { Seed = parse.GetValue(seed) });
            model.Save(parse.GetValue(output)!);
            stderr.MarkupLine($"Trained on {prompts.Count} prompts ({prompts.Count(p => p.IsAttack)} attacks); threshold {model.Threshold:0.000}; wrote {Markup.Escape(parse.GetValue(output)!)}");
            return ExitCodes.Clean;
        });
        return new Command("usage", "Usage pillar: prompt-attack model") { train };
    }
}
