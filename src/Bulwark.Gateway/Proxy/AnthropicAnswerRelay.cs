using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// A whole (non-streamed) Anthropic message on its way back: the usage goes to the audit; each content block passes
/// the output pipeline (<see cref="AnthropicContentGuard"/>: text, thinking, tool inputs) and gets its placeholders
/// restored. A Block withholds the whole answer (400, Anthropic's error shape, the rule named).
/// </summary>
public sealed class AnthropicAnswerRelay(GatewayOptions options)
{
    private const long MaxAnswerBytes = 64L * 1024 * 1024;

    public async Task WriteAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request)
    {
        var audit = RequestAudit.For(context);
        using var body = await UpstreamFailure.OpenAnswerAsync(context, response, upstream, options.Limits.UpstreamTimeout).ConfigureAwait(false);
        if (body is null) return;
        var bytes = await body.ReadAllAsync(MaxAnswerBytes).ConfigureAwait(false);
        if (bytes is null || Parse(bytes) is not JsonObject answer || answer["content"] is not JsonArray content)
        {
            await AnthropicErrors.WriteAsync(context, 502, "upstream_invalid_response", $"The upstream '{upstream.Name}' answered with something other than a message.").ConfigureAwait(false);
            return;
        }
        new AnthropicUsage().Take(audit, answer["usage"]);
        AnswerRelay.TakeModel(audit, answer);

        var guard = new AnthropicContentGuard(request, audit.Guards, context.RequestAborted);
        foreach (var block in content.OfType<JsonObject>())
        {
            if (guard.Apply(block)) continue;
            var (rule, reason) = GuardFindings.BlockReason(guard.Blocked!);
            var where = block["type"].AsString() is "tool_use" or "server_tool_use" ? "output guard, on a tool call's input" : "output guard";
            await AnthropicErrors.WriteAsync(context, 400, rule, $"Bulwark withheld the model's answer: {reason} (rule {rule}, {where}).", rule).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(GatewayJson.Bytes(answer), context.RequestAborted).ConfigureAwait(false);
    }

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
