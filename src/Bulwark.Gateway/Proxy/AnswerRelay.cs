using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// A whole (non-streamed) answer of any API on its way back: the usage goes to the audit, each text the API's
/// <see cref="IAnswerShape"/> names passes the output pipeline (the canary and system prompt of this request in its
/// context) and, when allowed, gets its placeholders restored; tool-call arguments get their placeholders restored.
/// A Block withholds the whole answer.
/// </summary>
public sealed class AnswerRelay(GatewayOptions options)
{
    private const long MaxAnswerBytes = 64L * 1024 * 1024;

    internal async Task WriteAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request, IAnswerShape shape)
    {
        var audit = RequestAudit.For(context);
        using var body = await UpstreamFailure.OpenAnswerAsync(context, response, upstream, options.Limits.UpstreamTimeout).ConfigureAwait(false);
        if (body is null) return;
        var bytes = await body.ReadAllAsync(MaxAnswerBytes).ConfigureAwait(false);
        if (bytes is null || ParseObject(bytes) is not { } answer)
        {
            await OpenAIErrors.WriteAsync(context, 502, "upstream_error", "upstream_invalid_response", $"The upstream '{upstream.Name}' answered with something other than {shape.Name}.").ConfigureAwait(false);
            return;
        }
        TakeUsage(audit, answer["usage"]);
        TakeModel(audit, answer);

        foreach (var slot in shape.Texts(answer).ToList())
        {
            var (text, blocked) = GuardWhole(slot.Get(), request, audit, context.RequestAborted);
            if (blocked is not null)
            {
                var (rule, reason) = GuardFindings.BlockReason(blocked);
                await OpenAIErrors.WriteAsync(context, 400, OpenAIErrors.GuardType, rule, $"Bulwark withheld the model's answer: {reason} (rule {rule}, output guard).").ConfigureAwait(false);
                return;
            }
            slot.Set(text!);
        }
        if (request.Pseudonymizer is { } pseudonymizer)
        {
            foreach (var slot in shape.Arguments(answer).ToList()) slot.Set(PlaceholderRestorer.RestoreInJson(pseudonymizer, slot.Get()));
        }
        shape.HideGatewayAdditions(answer, request);

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(GatewayJson.Bytes(answer), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A whole answer text through the output guards: what the client may see (placeholders restored), or the blocking verdict.</summary>
    internal static (string? Text, Verdict? Blocked) GuardWhole(string text, GuardedRequest request, RequestAudit audit, CancellationToken cancellationToken)
    {
        var verdict = request.Guards.Check(GuardStage.Output, text, request.OutputContext, cancellationToken);
        audit.Guards.Add(verdict);
        if (verdict.IsBlocked) return (null, verdict);
        return (request.Pseudonymizer?.Restore(verdict.Text!) ?? verdict.Text!, null);
    }

    /// <summary>The model the upstream says answered (<c>gen_ai.response.model</c> on the request's span), bounded.</summary>
    internal static void TakeModel(RequestAudit audit, JsonObject answer)
    {
        if (audit.ResponseModel is null && answer["model"].AsString() is { Length: > 0 } model) audit.ResponseModel = model.Length > 100 ? model[..100] : model;
    }

    /// <summary>Usage in either naming: <c>prompt_tokens</c>/<c>completion_tokens</c> or the Responses API's <c>input_tokens</c>/<c>output_tokens</c>.</summary>
    internal static void TakeUsage(RequestAudit audit, JsonNode? usage)
    {
        if (usage is not JsonObject u) return;
        audit.TakeUsage(u["prompt_tokens"].AsLong() ?? u["input_tokens"].AsLong(), u["completion_tokens"].AsLong() ?? u["output_tokens"].AsLong(), u["total_tokens"].AsLong());
    }

    internal static JsonObject? ParseObject(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
