using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Usage.Guards;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// A whole (non-streamed) chat completion on its way back: the usage goes to the audit, each choice's content
/// passes the output pipeline of the request's own policy (the canary and system prompt of this request in its
/// context) and, when allowed, gets its placeholders restored; tool-call arguments get their placeholders restored.
/// A Block withholds the whole answer.
/// </summary>
public sealed class ChatAnswerRelay(GatewayOptions options)
{
    private const long MaxAnswerBytes = 64L * 1024 * 1024;

    public async Task WriteAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedChatRequest request)
    {
        var audit = RequestAudit.For(context);
        using var body = await UpstreamFailure.OpenAnswerAsync(context, response, upstream, options.Limits.UpstreamTimeout).ConfigureAwait(false);
        if (body is null) return;
        var bytes = await body.ReadAllAsync(MaxAnswerBytes).ConfigureAwait(false);
        if (bytes is null || Parse(bytes) is not JsonObject answer)
        {
            await OpenAIErrors.WriteAsync(context, 502, "upstream_error", "upstream_invalid_response", $"The upstream '{upstream.Name}' answered with something other than a chat completion.").ConfigureAwait(false);
            return;
        }
        TakeUsage(audit, answer["usage"]);

        foreach (var message in (answer["choices"] as JsonArray ?? []).OfType<JsonObject>().Select(c => c["message"]).OfType<JsonObject>())
        {
            if (message["content"].AsString() is { } content)
            {
                var verdict = request.Guards.Check(GuardStage.Output, content, request.OutputContext, context.RequestAborted);
                audit.Guards.Add(verdict);
                if (verdict.IsBlocked)
                {
                    var (rule, reason) = GuardFindings.BlockReason(verdict);
                    await OpenAIErrors.WriteAsync(context, 400, OpenAIErrors.GuardType, rule, $"Bulwark withheld the model's answer: {reason} (rule {rule}, output guard).").ConfigureAwait(false);
                    return;
                }
                message["content"] = Restore(request, verdict.Text!);
            }
            foreach (var function in (message["tool_calls"] as JsonArray ?? []).OfType<JsonObject>().Select(c => c["function"]).OfType<JsonObject>())
            {
                if (function["arguments"].AsString() is { } arguments) function["arguments"] = request.Pseudonymizer is { } p ? PlaceholderRestorer.RestoreInJson(p, arguments) : arguments;
            }
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(GatewayJson.Bytes(answer), context.RequestAborted).ConfigureAwait(false);
    }

    internal static void TakeUsage(RequestAudit audit, JsonNode? usage)
    {
        if (usage is not JsonObject u) return;
        audit.TakeUsage(u["prompt_tokens"].AsLong() ?? u["input_tokens"].AsLong(), u["completion_tokens"].AsLong() ?? u["output_tokens"].AsLong(), u["total_tokens"].AsLong());
    }

    private static string Restore(GuardedChatRequest request, string text) => request.Pseudonymizer?.Restore(text) ?? text;

    private static JsonNode? Parse(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
