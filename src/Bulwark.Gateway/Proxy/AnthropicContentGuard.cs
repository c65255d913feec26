using System.Text.Json.Nodes;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// The output guards over whole content blocks of an Anthropic answer: <c>text</c> and <c>thinking</c> text, and each
/// string value of a <c>tool_use</c> / <c>server_tool_use</c> block's <c>input</c> (guarding values, not the serialised
/// JSON, so a redaction can never break the JSON). Allowed text gets its placeholders restored; the first Block stops.
/// </summary>
internal sealed class AnthropicContentGuard(GuardedRequest request, GuardFindings findings, CancellationToken cancellationToken)
{
    public Verdict? Blocked { get; private set; }

    /// <summary>Guards and restores one block in place; false when a guard blocked it.</summary>
    public bool Apply(JsonObject block) => block["type"].AsString() switch
    {
        "text" => Property(block, "text"),
        "thinking" => Property(block, "thinking"),
        "tool_use" or "server_tool_use" => Property(block, "input") && ToolInput(block["input"]),
        _ => true, // redacted thinking (encrypted), server tool results: nothing the model wrote in clear
    };

    /// <summary>Guards and restores every string value inside a tool's input, in place; false when blocked.</summary>
    public bool ToolInput(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject values:
                foreach (var name in values.Select(p => p.Key).ToList())
                {
                    if (!Property(values, name) || !ToolInput(values[name])) return false;
                }
                return true;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i].AsString() is { } text)
                    {
                        if (Guard(text) is not { } safe) return false;
                        items[i] = safe;
                    }
                    else if (!ToolInput(items[i])) return false;
                }
                return true;
            default:
                return true;
        }
    }

    /// <summary>Guards <c>owner[property]</c> when it is a string (anything else is left alone); false when blocked.</summary>
    private bool Property(JsonObject owner, string property)
    {
        if (owner[property].AsString() is not { } text) return true;
        if (Guard(text) is not { } safe) return false;
        owner[property] = safe;
        return true;
    }

    /// <summary>The text to release (redacted, placeholders restored), or null when a guard blocked it.</summary>
    private string? Guard(string text)
    {
        var verdict = request.Guards.Check(GuardStage.Output, text, request.OutputContext, cancellationToken);
        findings.Add(verdict);
        if (verdict.IsBlocked)
        {
            Blocked = verdict;
            return null;
        }
        return request.Pseudonymizer?.Restore(verdict.Text!) ?? verdict.Text!;
    }
}
