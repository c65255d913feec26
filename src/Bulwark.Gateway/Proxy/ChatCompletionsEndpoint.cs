using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Gateway.Keys;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// <c>POST /v1/chat/completions</c>: read and check the request, route the model, run the input and document guards
/// (block → 400 naming the rule, nothing sent upstream), forward the guarded request through YARP, and guard the
/// answer on its way back (whole or streamed).
/// </summary>
public sealed class ChatCompletionsEndpoint(
    GatewayOptions options,
    ChatRequestGuard requestGuard,
    UpstreamForwarder forwarder,
    ChatAnswerRelay answers,
    StreamingChatRelay streams,
    GuardPolicies guardPolicies)
{
    public async Task HandleAsync(HttpContext context)
    {
        var audit = RequestAudit.For(context);
        var read = await JsonBodyReader.ReadAsync(context.Request, options.Limits.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (!read.Ok)
        {
            // The rest of an oversized body is never read: the connection cannot carry another request, so say so
            // (a client that reused it would see its next request fail).
            if (read.Status == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close";
            await OpenAIErrors.InvalidRequest(context, read.Status, read.Code!, read.Message!).ConfigureAwait(false);
            return;
        }
        var body = read.Body!;
        if (await RouteAsync(context, body, audit).ConfigureAwait(false) is not var (route, upstream)) return;
        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            await OpenAIErrors.InvalidRequest(context, 400, "invalid_messages", "'messages' must be a non-empty array.").ConfigureAwait(false);
            return;
        }
        var stream = body["stream"].AsBool() == true;
        audit.Stream = stream;

        var guarded = requestGuard.Apply(messages, guardPolicies.For(audit.Key, route), audit.Guards, context.RequestAborted);
        audit.Excerpt = requestGuard.Excerpt(options.PromptExcerpt, guarded.LastUserText);
        if (guarded.BlockedBy is { } verdict)
        {
            var (rule, reason) = GuardFindings.BlockReason(verdict);
            var stage = guarded.Stage == Usage.Guards.GuardStage.Documents ? "documents guard, on a tool result" : "input guard";
            await OpenAIErrors.WriteAsync(context, 400, OpenAIErrors.GuardType, rule, $"Bulwark blocked this request: {reason} (rule {rule}, {stage}).").ConfigureAwait(false);
            return;
        }

        body["model"] = route.UpstreamModel;
        if (stream) AskForUsage(body);
        var bytes = GatewayJson.Bytes(body);
        await forwarder.ForwardAsync(context, upstream, "chat/completions", route.UpstreamModel, bytes,
            response => stream ? streams.WriteAsync(context, response, upstream, guarded) : answers.WriteAsync(context, response, upstream, guarded)).ConfigureAwait(false);
        // The tokens in audit.TotalTokens are charged to the key's and team's allowances by KeyAuthenticationMiddleware.
    }

    /// <summary>The route and upstream for the body's model, or null after writing the error (missing, unknown, not allowed).</summary>
    private async Task<(ModelRoute, UpstreamOptions)?> RouteAsync(HttpContext context, JsonObject body, RequestAudit audit)
    {
        if (body["model"].AsString() is not { Length: > 0 } model)
        {
            await OpenAIErrors.InvalidRequest(context, 400, "missing_model", "'model' is required.").ConfigureAwait(false);
            return null;
        }
        var shown = model.Length > 100 ? model[..100] + "…" : model;
        if (!options.Routes.TryGetValue(model, out var route))
        {
            audit.Model = shown;
            await OpenAIErrors.InvalidRequest(context, 404, "model_not_found", $"The model '{shown}' does not exist or is not routed by this gateway (GET /v1/models lists them).").ConfigureAwait(false);
            return null;
        }
        audit.Model = model;
        if (audit.Key is { } key && !key.Allows(model))
        {
            await OpenAIErrors.WriteAsync(context, 403, "permission_error", "model_not_allowed", $"This key may not use the model '{shown}'.").ConfigureAwait(false);
            return null;
        }
        var upstream = options.Upstreams[route.Upstream];
        audit.Upstream = upstream.Name;
        return (route, upstream);
    }

    /// <summary>Streams carry usage only when asked; the audit and token limits need it.</summary>
    private static void AskForUsage(JsonObject body)
    {
        if (body["stream_options"] is not JsonObject streamOptions) body["stream_options"] = streamOptions = [];
        if (!streamOptions.ContainsKey("include_usage")) streamOptions["include_usage"] = true;
    }
}
