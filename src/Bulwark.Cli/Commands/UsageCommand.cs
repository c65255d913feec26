using System.CommandLine;
using Bulwark.Usage;
using Spectre.Console;

namespace Bulwark.Cli.Commands;

/// <summary><c>bulwark usage train</c>: train the prompt-attack model reproducibly (fixed seed).</summary>
internal static class UsageCommand
{
    public static Command Create(IAnsiConsole stderr)
    {
        var data = new Option<string[]>("--data") { Description = "Labelled JSON lines (text, is_attack, source_dataset, optional category); repeatable", Required = true, Arity = ArgumentArity.OneOrMore };
        var augment = new Option<string[]>("--augment") { Description = "Labelled JSON lines that only train, never calibrate (authored data such as eval/data/authored-prompts.jsonl); repeatable", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the model", DefaultValueFactory = _ => "src/Bulwark/Usage/prompt-attack.model" };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => new PromptAttackTrainer.Options().Seed };
        var train = new Command("train", "Train the prompt-attack classifier on labelled prompts") { data, augment, output, seed };
        CommonOptions.AddRuleOptions(train);
        train.SetAction(parse =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            var prompts = parse.GetValue(data)!.SelectMany(LabeledPromptReader.Read).ToList();
            var rows = Enumerable.Range(0, prompts.Count).ToArray();
            prompts.AddRange((parse.GetValue(augment) ?? []).SelectMany(LabeledPromptReader.Read));
            var trainer = new PromptAttackTrainer(catalog.Rules);
            var features = trainer.Featurize(prompts);
            var model = trainer.Train(prompts, features, rows, new PromptAttackTrainer.Options { Seed = parse.GetValue(seed) }, Enumerable.Range(rows.Length, prompts.Count - rows.Length).ToArray());
            model.Save(parse.GetValue(output)!);
            stderr.MarkupLine($"Trained on {prompts.Count} prompts ({prompts.Count(p => p.IsAttack)} attacks); threshold {model.Threshold:0.000}; wrote {Markup.Escape(parse.GetValue(output)!)}");
            return ExitCodes.Clean;
        });
        return new Command("usage", "Usage pillar: prompt-attack model") { train };
    }
}
