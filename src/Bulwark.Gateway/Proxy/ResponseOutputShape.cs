using System.Text.Json.Nodes;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// A Responses API response object, whole or as the streamed events carry it: the texts the output guards read are
/// message content (<c>output_text</c>, <c>refusal</c>) and reasoning text (summaries, reasoning content); function
/// calls' arguments get placeholders restored; the echoed <c>instructions</c> lose the canary the gateway planted.
/// </summary>
internal sealed class ResponseOutputShape : IAnswerShape
{
    public static readonly ResponseOutputShape Instance = new();

    public string Name => "a Responses API response";

    public IEnumerable<JsonTextSlot> Texts(JsonObject answer) => Items(answer).SelectMany(i => TextsOf(i.Item, i.Index)).Select(t => t.Slot);

    public IEnumerable<JsonTextSlot> Arguments(JsonObject answer) => Items(answer).SelectMany(i => ArgumentsOf(i.Item));

    public void HideGatewayAdditions(JsonObject answer, GuardedRequest request) => HideCanary(answer, request.OutputContext);

    /// <summary>The texts of one output item, each with its place (<see cref="TextPartKey"/>), which the streamed events name too.</summary>
    public static IEnumerable<(TextPartKey Key, JsonTextSlot Slot)> TextsOf(JsonObject item, int outputIndex)
    {
        var content = (item["content"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < content.Count; i++)
        {
            var field = content[i]["type"].AsString() == "refusal" ? "refusal" : "text";
            foreach (var slot in JsonTextSlot.Of(content[i], field)) yield return (new TextPartKey(TextPartKind.Content, outputIndex, i), slot);
        }
        var summary = (item["summary"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < summary.Count; i++)
        {
            foreach (var slot in JsonTextSlot.Of(summary[i], "text")) yield return (new TextPartKey(TextPartKind.Summary, outputIndex, i), slot);
        }
    }

    public static IEnumerable<JsonTextSlot> ArgumentsOf(JsonObject item) =>
        item["type"].AsString() == "function_call" ? JsonTextSlot.Of(item, "arguments") : [];

    /// <summary>The response echoes <c>instructions</c> as sent upstream: take the planted canary back out, so it never reaches the client.</summary>
    public static void HideCanary(JsonObject response, GuardContext context)
    {
        if (context.Canaries is not { Count: > 0 } canaries || response["instructions"].AsString() is not { } instructions) return;
        foreach (var canary in canaries)
        {
            var planted = CanaryGuard.Plant("", canary);
            instructions = instructions.Replace(planted, "", StringComparison.Ordinal).Replace(planted.Trim(), "", StringComparison.Ordinal);
        }
        response["instructions"] = instructions.Length == 0 ? null : instructions;
    }

    private static IEnumerable<(JsonObject Item, int Index)> Items(JsonObject answer)
    {
        var output = answer["output"] as JsonArray ?? [];
        for (var i = 0; i < output.Count; i++)
        {
            if (output[i] is JsonObject item) yield return (item, i);
        }
    }
}

internal enum TextPartKind
{
    /// <summary>A message's <c>content[]</c> part (output text, refusal) or a reasoning item's content.</summary>
    Content,

    /// <summary>A reasoning item's <c>summary[]</c> part.</summary>
    Summary,
}

/// <summary>Where a text part sits in a response: its output item and its index among that item's content or summary parts.</summary>
internal readonly record struct TextPartKey(TextPartKind Kind, int OutputIndex, int PartIndex);
