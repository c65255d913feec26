using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Data.Anonymization;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// What the guards made of a chat request: blocked (with the rule), or the request to send upstream. <paramref name="Guards"/>
/// is the policy that judged it (the key's, team's, model's or the default): the answer goes through the same one.
/// </summary>
public sealed record GuardedChatRequest(Verdict? BlockedBy, GuardStage Stage, GuardContext OutputContext, Anonymizer? Pseudonymizer, string? LastUserText, GatewayGuards Guards)
{
    public bool IsBlocked => BlockedBy is not null;
}

/// <summary>
/// Applies the policy to a chat completion request in place: user messages through the input pipeline, tool
/// results through the documents pipeline (indirect injection), secrets and PII swapped for placeholders when
/// pseudonymisation is on, and a fresh canary planted in the system message. System and earlier assistant messages
/// are the application's own and are not judged. The policy is the request's (<see cref="GuardPolicies.For"/>).
/// </summary>
public sealed class ChatRequestGuard(GuardPolicies policies)
{
    public GuardedChatRequest Apply(JsonArray messages, GatewayGuards guards, GuardFindings findings, CancellationToken cancellationToken)
    {
        var pseudonymizer = guards.CreatePseudonymizer();
        string? lastUser = null;
        foreach (var message in messages.OfType<JsonObject>())
        {
            GuardStage? stage = message["role"].AsString() switch
            {
                "user" => GuardStage.Input,
                "tool" or "function" => GuardStage.Documents,
                _ => null,
            };
            if (stage is not { } s) continue;
            foreach (var part in TextParts(message))
            {
                var text = part.Get();
                if (pseudonymizer is not null)
                {
                    var masked = pseudonymizer.Anonymize(text, guards.DataDetector);
                    if (masked.Items.Count > 0) findings.Raise(GuardAction.Redact);
                    text = masked.Text;
                }
                var verdict = guards.Check(s, text, cancellationToken: cancellationToken);
                findings.Add(verdict);
                if (verdict.IsBlocked) return new GuardedChatRequest(verdict, s, GuardContext.Empty, pseudonymizer, text, guards);
                part.Set(verdict.Text!);
                if (s == GuardStage.Input) lastUser = verdict.Text;
            }
        }
        return new GuardedChatRequest(null, GuardStage.Input, PlantCanary(messages, guards), pseudonymizer, lastUser, guards);
    }

    /// <summary>The excerpt audit.prompt-excerpt asks for, of the prompt as sent upstream (every policy shares the data rules that scrub it).</summary>
    public string? Excerpt(PromptExcerptMode mode, string? text) => text is null ? null : mode switch
    {
        PromptExcerptMode.Hashed => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
        PromptExcerptMode.Redacted => Truncate(policies.Default.Scrub(text), 200),
        _ => null,
    };

    private static GuardContext PlantCanary(JsonArray messages, GatewayGuards guards)
    {
        var system = messages.OfType<JsonObject>().FirstOrDefault(m => m["role"].AsString() is "system" or "developer");
        var systemText = system is null ? null : string.Concat(TextParts(system).Select(p => p.Get()));
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

    /// <summary>A message's text: its string content, or the text of each <c>{"type": "text"}</c> part.</summary>
    private static IEnumerable<TextPart> TextParts(JsonObject message)
    {
        switch (message["content"])
        {
            case JsonValue value when value.TryGetValue<string>(out _):
                yield return new TextPart(message, "content");
                break;
            case JsonArray parts:
                foreach (var part in parts.OfType<JsonObject>())
                {
                    if (part["text"] is JsonValue text && text.TryGetValue<string>(out _)) yield return new TextPart(part, "text");
                }
                break;
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private readonly record struct TextPart(JsonObject Owner, string Property)
    {
        public string Get() => Owner[Property]!.GetValue<string>();

        public void Set(string text) => Owner[Property] = text;
    }
}
