using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Applies the policy to a chat completion request in place: user messages through the input pipeline, tool
/// results through the documents pipeline (indirect injection), secrets and PII swapped for placeholders when
/// pseudonymisation is on, and a fresh canary planted in the system message. System and earlier assistant messages
/// are the application's own and are not judged.
/// </summary>
public sealed class ChatRequestGuard
{
    public GuardedRequest Apply(JsonArray messages, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken)
    {
        var pass = new RequestTextGuard(guards, findings, sharedVault, cancellationToken);
        foreach (var message in messages.OfType<JsonObject>())
        {
            GuardStage? stage = message["role"].AsString() switch
            {
                "user" => GuardStage.Input,
                "tool" or "function" => GuardStage.Documents,
                _ => null,
            };
            if (stage is not { } s) continue;
            foreach (var part in JsonTextSlot.ContentOf(message))
            {
                if (pass.Check(s, part.Get()) is not { } text) return pass.Result(GuardContext.Empty);
                part.Set(text);
            }
        }
        return pass.Result(PlantCanary(messages, guards));
    }

    private static GuardContext PlantCanary(JsonArray messages, GatewayGuards guards)
    {
        var system = messages.OfType<JsonObject>().FirstOrDefault(m => m["role"].AsString() is "system" or "developer");
        var systemText = system is null ? null : string.Concat(JsonTextSlot.ContentOf(system).Select(p => p.Get()));
        if (!guards.PlantsCanary) return new GuardContext(systemText);

        var canary = CanaryGuard.CreateToken();
        if (system is null)
        {
            systemText = CanaryGuard.Plant("", canary).Trim();
            messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = systemText });
        }
        else if (system["content"] is JsonArray parts)
        {
            var planted = CanaryGuard.Plant("", canary).Trim();
            parts.Add(new JsonObject { ["type"] = "text", ["text"] = planted });
            systemText += "\n\n" + planted;
        }
        else
        {
            systemText = CanaryGuard.Plant(systemText ?? "", canary);
            system["content"] = systemText;
        }
        return new GuardContext(systemText, [canary]);
    }
}
