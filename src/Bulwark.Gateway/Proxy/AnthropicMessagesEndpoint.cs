using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Gateway.Keys;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// <c>POST /v1/messages</c>, Anthropic's Messages API: read and check the request, route the model (only to an
/// <c>anthropic</c> upstream), run the input and document guards (block → 400 naming the rule, nothing sent
/// upstream), forward the guarded request to the upstream's native <c>messages</c> operation, and guard the answer on
/// its way back (whole or streamed). Every error is in Anthropic's shape (<see cref="AnthropicErrors"/>).
/// </summary>
public sealed class AnthropicMessagesEndpoint(
    GatewayOptions options,
    AnthropicRequestGuard requestGuard,
    ChatRequestGuard chatGuard,
    UpstreamForwarder forwarder,
    AnthropicAnswerRelay answers,
    AnthropicStreamRelay streams,
    KeyRateLimiter limiter)
{
    public async Task HandleAsync(HttpContext context)
    {
        var audit = RequestAudit.For(context);
        var read = await JsonBodyReader.ReadAsync(context.Request, options.Limits.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (!read.Ok)
        {
            // An oversized body is not read to its end: the connection cannot carry another request.
            if (read.Status == StatusCodes.Status413PayloadTooLarge) context.Response.Headers.Connection = "close";
            await AnthropicErrors.WriteAsync(context, read.Status, read.Code!, read.Message!).ConfigureAwait(false);
            return;
        }
        var body = read.Body!;
        if (await RouteAsync(context, body, audit).ConfigureAwait(false) is not var (route, upstream)) return;
        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            await AnthropicErrors.WriteAsync(context, 400, "invalid_messages", "'messages' must be a non-empty array.").ConfigureAwait(false);
            return;
        }
        var stream = body["stream"].AsBool() == true;
        audit.Stream = stream;

        var guarded = requestGuard.Apply(body, messages, audit.Guards, context.RequestAborted);
        audit.Excerpt = chatGuard.Excerpt(options.PromptExcerpt, guarded.LastUserText);
        if (guarded.BlockedBy is { } verdict)
        {
            var (rule, reason) = GuardFindings.BlockReason(verdict);
            var stage = guarded.Stage == Usage.Guards.GuardStage.Documents ? "documents guard, on a tool result or document" : "input guard";
            await AnthropicErrors.WriteAsync(context, 400, rule, $"Bulwark blocked this request: {reason} (rule {rule}, {stage}).", rule).ConfigureAwait(false);
            return;
        }

        body["model"] = route.UpstreamModel;
        await forwarder.ForwardAsync(context, upstream, UpstreamTransformer.AnthropicMessages, route.UpstreamModel, GatewayJson.Bytes(body),
            response => stream ? streams.WriteAsync(context, response, upstream, guarded) : answers.WriteAsync(context, response, upstream, guarded)).ConfigureAwait(false);
        if (audit.Key is { } key && audit.TotalTokens is { } tokens) limiter.ChargeTokens(key.Id, key.TokensPerMinute, tokens);
    }

    /// <summary>The route and its Anthropic upstream for the body's model, or null after writing the error.</summary>
    private async Task<(ModelRoute, UpstreamOptions)?> RouteAsync(HttpContext context, JsonObject body, RequestAudit audit)
    {
        if (body["model"].AsString() is not { Length: > 0 } model)
        {
            await AnthropicErrors.WriteAsync(context, 400, "missing_model", "'model' is required.").ConfigureAwait(false);
            return null;
        }
        var shown = model.Length > 100 ? model[..100] + "…" : model;
        if (!options.Routes.TryGetValue(model, out var route))
        {
            audit.Model = shown;
            await AnthropicErrors.WriteAsync(context, 404, "model_not_found", $"The model '{shown}' does not exist or is not routed by this gateway (GET /v1/models lists them).").ConfigureAwait(false);
            return null;
        }
        audit.Model = model;
        if (audit.Key is { } key && !key.Allows(model))
        {
            await AnthropicErrors.WriteAsync(context, 403, "model_not_allowed", $"This key may not use the model '{shown}'.").ConfigureAwait(false);
            return null;
        }
        var upstream = options.Upstreams[route.Upstream];
        audit.Upstream = upstream.Name;
        if (upstream.Kind != UpstreamKind.Anthropic)
        {
            // Translating between the two wire formats would put a second, lossy parser in front of the guards.
            await AnthropicErrors.WriteAsync(context, 400, "model_not_anthropic",
                $"The model '{shown}' is served by the upstream '{upstream.Name}' of kind {KindName(upstream.Kind)}, which does not speak Anthropic's Messages API; call /v1/chat/completions for it, or route it to an upstream of kind anthropic.").ConfigureAwait(false);
            return null;
        }
        return (route, upstream);
    }

    private static string KindName(UpstreamKind kind) => kind switch
    {
        UpstreamKind.OpenAICompatible => "openai-compatible",
        UpstreamKind.OpenAI => "openai",
        UpstreamKind.AzureOpenAI => "azure-openai",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
