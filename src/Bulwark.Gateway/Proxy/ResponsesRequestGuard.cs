using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Applies the policy to a Responses API request in place: the <c>input</c> string and user messages' text (string
/// content or <c>input_text</c> parts), and prompt-template variables, through the input pipeline; tool results
/// (<c>function_call_output</c> and the other <c>*_output</c> items) through the documents pipeline; secrets and PII
/// swapped for placeholders when pseudonymisation is on; a fresh canary planted in <c>instructions</c>. System,
/// developer and earlier assistant items are the application's own and are not judged.
/// </summary>
public sealed class ResponsesRequestGuard
{
    public GuardedRequest Apply(JsonObject body, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken)
    {
        var pass = new RequestTextGuard(guards, findings, sharedVault, cancellationToken);
        foreach (var (stage, slot) in Texts(body).ToList())
        {
            if (pass.Check(stage, slot.Get()) is not { } text) return pass.Result(GuardContext.Empty);
            slot.Set(text);
        }
        return pass.Result(PlantCanary(body, guards));
    }

    /// <summary>Every text of the request a guard reads, with the pipeline it goes to.</summary>
    private static IEnumerable<(GuardStage, JsonTextSlot)> Texts(JsonObject body)
    {
        foreach (var slot in JsonTextSlot.Of(body, "input")) yield return (GuardStage.Input, slot);
        foreach (var item in (body["input"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var type = item["type"].AsString() ?? (item.ContainsKey("role") ? "message" : null);
            if (type == "message" && item["role"].AsString() == "user")
            {
                foreach (var slot in JsonTextSlot.ContentOf(item)) yield return (GuardStage.Input, slot);
            }
            else if (type is not null && (type.EndsWith("_output", StringComparison.Ordinal) || type == "mcp_call"))
            {
                // A tool's result (function_call_output, custom_tool_call_output, an MCP call's output): indirect injection.
                foreach (var slot in JsonTextSlot.Of(item, "output")) yield return (GuardStage.Documents, slot);
                foreach (var part in (item["output"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    foreach (var slot in JsonTextSlot.Of(part, "text")) yield return (GuardStage.Documents, slot);
                }
            }
        }
        // A stored prompt's variables are the caller's text, substituted upstream.
        if (body["prompt"]?["variables"] is JsonObject variables)
        {
            foreach (var (name, value) in variables.ToList())
            {
                if (value.AsString() is not null) yield return (GuardStage.Input, new JsonTextSlot(variables, name));
                foreach (var slot in JsonTextSlot.Of(value as JsonObject, "text")) yield return (GuardStage.Input, slot);
            }
        }
    }

    private static GuardContext PlantCanary(JsonObject body, GatewayGuards guards)
    {
        var instructions = body["instructions"].AsString();
        var systemMessages = (body["input"] as JsonArray ?? []).OfType<JsonObject>().Where(m => m["role"].AsString() is "system" or "developer")
            .SelectMany(JsonTextSlot.ContentOf).Select(s => s.Get());
        var systemText = string.Join("\n\n", new[] { instructions }.Concat(systemMessages).OfType<string>());
        if (!guards.PlantsCanary) return new GuardContext(systemText.Length == 0 ? null : systemText);

        var canary = CanaryGuard.CreateToken();
        var planted = instructions is null ? CanaryGuard.Plant("", canary).Trim() : CanaryGuard.Plant(instructions, canary);
        body["instructions"] = planted;
        return new GuardContext(systemText.Length == 0 ? planted : systemText + "\n\n" + planted, [canary]);
    }
}
