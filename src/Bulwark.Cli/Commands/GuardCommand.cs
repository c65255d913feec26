using System.CommandLine;
using System.Text.Json.Nodes;
using Bulwark.Kernel.Guards;
using Bulwark.Scanning;
using Bulwark.Usage.Guards;

namespace Bulwark.Cli.Commands;

/// <summary>
/// <c>bulwark guard --stage input|output|documents --jsonl</c>: runs a guard policy's pipeline over JSON lines on
/// stdin, the library's guard pipeline without the gateway. One verdict line out per line in:
/// <c>{"id", "action", "text", "hits", "guards"}</c> (<c>text</c> is the redacted text when the action is redact).
/// </summary>
internal static class GuardCommand
{
    public static Command Create(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var jsonl = new Option<bool>("--jsonl") { Description = "Read {\"id\", \"text\"} lines on stdin, write verdict lines on stdout", Required = true };
        var policyPath = new Option<string?>("--policy") { Description = "Guard policy YAML (default: the embedded policy; see docs/guards.md)" };
        var stage = new Option<GuardStage>("--stage") { Description = "Which pipeline of the policy: input (prompts), output (answers) or documents (retrieved documents, tool results)", DefaultValueFactory = _ => GuardStage.Input };
        var systemPrompt = new Option<FileInfo?>("--system-prompt") { Description = "File holding the system prompt, for the system-prompt-leak guard" };
        var canaries = new Option<string[]>("--canary") { Description = "A canary token planted in the system prompt (repeatable)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("guard", "Run a guard policy's input, output or document pipeline over JSON lines") { jsonl, policyPath, stage, systemPrompt, canaries };
        CommonOptions.AddRuleOptions(command);
        command.SetAction((parse, cancellationToken) =>
        {
            var catalog = CommonOptions.LoadCatalog(parse);
            var policy = parse.GetValue(policyPath) is { } path ? GuardPolicy.LoadFile(path) : GuardPolicy.Default();
            var pipeline = GuardPipelines.Build(policy, catalog).For(parse.GetValue(stage));
            var prompt = parse.GetValue(systemPrompt) is { } file ? CommonOptions.ReadInputFile(file.FullName) : null;
            var context = new GuardContext(prompt, parse.GetValue(canaries) ?? []);
            return Task.FromResult(JsonLines.Process(stdin, stdout, stderr, text => Render(pipeline.Run(text, context, cancellationToken)), cancellationToken));
        });
        return command;
    }

    private static JsonObject Render(Verdict verdict) => new()
    {
        ["action"] = Name(verdict.Action),
        ["text"] = verdict.Action == GuardAction.Redact ? verdict.Text : null,
        ["hits"] = new JsonArray([.. verdict.Hits.Select(h => new JsonObject
        {
            ["guard"] = h.Guard,
            ["rule"] = h.RuleId,
            ["score"] = Math.Round(h.Score, 4),
            ["start"] = h.Start,
            ["length"] = h.Length,
            ["message"] = h.Message,
        })]),
        ["guards"] = new JsonArray([.. verdict.Guards.Select(g => new JsonObject
        {
            ["guard"] = g.Guard,
            ["action"] = Name(g.Action),
            ["enforced"] = g.Enforced,
            ["error"] = g.Error,
            ["elapsed_us"] = Math.Round(g.Elapsed.TotalMicroseconds, 1),
        })]),
    };

    private static string Name(GuardAction action) => action.ToString().ToLowerInvariant();
}
