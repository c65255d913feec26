using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Applies the policy to an Anthropic Messages request in place, as <see cref="ChatRequestGuard"/> does for chat:
/// user text through the input pipeline; <c>tool_result</c> content and plain-text <c>document</c> blocks (what tools
/// and retrieval brought in: indirect injection) through the documents pipeline; secrets and PII swapped for
/// placeholders when pseudonymisation is on; a fresh canary planted in <c>system</c>. The system prompt and earlier
/// assistant turns are the application's own and are not judged.
/// </summary>
public sealed class AnthropicRequestGuard
{
    public GuardedRequest Apply(JsonObject body, JsonArray messages, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken)
    {
        var pass = new RequestTextGuard(guards, findings, sharedVault, cancellationToken);
        foreach (var message in messages.OfType<JsonObject>().Where(m => m["role"].AsString() == "user"))
        {
            foreach (var (slot, stage) in JudgedTexts(message))
            {
                if (pass.Check(stage, slot.Get()) is not { } text) return pass.Result(GuardContext.Empty);
                slot.Set(text);
            }
        }
        return pass.Result(PlantCanary(body, guards));
    }

    /// <summary>
    /// A user turn's texts and the pipeline each goes through: string content or <c>text</c> blocks (input);
    /// <c>tool_result</c> content, a string or text blocks, and <c>document</c> blocks with a text source (documents).
    /// </summary>
    private static IEnumerable<(JsonTextSlot Slot, GuardStage Stage)> JudgedTexts(JsonObject message)
    {
        if (message["content"].AsString() is not null)
        {
            yield return (new JsonTextSlot(message, "content"), GuardStage.Input);
            yield break;
        }
        foreach (var block in (message["content"] as JsonArray ?? []).OfType<JsonObject>())
        {
            switch (block["type"].AsString())
            {
                case "text" when block["text"].AsString() is not null:
                    yield return (new JsonTextSlot(block, "text"), GuardStage.Input);
                    break;
                case "tool_result":
                    foreach (var slot in TextBlocks(block, "content")) yield return (slot, GuardStage.Documents);
                    break;
                case "document" when block["source"] is JsonObject source && source["type"].AsString() == "text" && source["data"].AsString() is not null:
                    yield return (new JsonTextSlot(source, "data"), GuardStage.Documents);
                    break;
            }
        }
    }

    /// <summary>A property that is a string, or an array whose <c>text</c> blocks each hold one.</summary>
    private static IEnumerable<JsonTextSlot> TextBlocks(JsonObject owner, string property)
    {
        switch (owner[property])
        {
            case JsonValue value when value.AsString() is not null:
                yield return new JsonTextSlot(owner, property);
                break;
            case JsonArray blocks:
                foreach (var block in blocks.OfType<JsonObject>().Where(b => b["type"].AsString() == "text" && b["text"].AsString() is not null))
                    yield return new JsonTextSlot(block, "text");
                break;
        }
    }

    /// <summary>
    /// Plants the canary at the end of <c>system</c> (a string, or a new last text block, which leaves any prompt-cache
    /// breakpoint on earlier blocks valid) and returns the output guards' context.
    /// </summary>
    private static GuardContext PlantCanary(JsonObject body, GatewayGuards guards)
    {
        var system = body["system"];
        var systemText = system is JsonArray ? string.Join("\n\n", TextBlocks(body, "system").Select(s => s.Get())) : system.AsString();
        if (!guards.PlantsCanary) return new GuardContext(systemText);

        var canary = CanaryGuard.CreateToken();
        var planted = CanaryGuard.Plant("", canary).Trim();
        if (system is JsonArray blocks)
        {
            blocks.Add(new JsonObject { ["type"] = "text", ["text"] = planted });
            systemText = string.IsNullOrEmpty(systemText) ? planted : systemText + "\n\n" + planted;
        }
        else
        {
            systemText = string.IsNullOrEmpty(systemText) ? planted : CanaryGuard.Plant(systemText, canary);
            body["system"] = systemText;
        }
        return new GuardContext(systemText, [canary]);
    }
}
