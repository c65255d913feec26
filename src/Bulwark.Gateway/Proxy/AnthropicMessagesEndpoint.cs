using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// <c>POST /v1/messages</c>, Anthropic's Messages API, on <see cref="GuardedApiProxy"/>: served only by
/// <c>anthropic</c> upstreams (their native <c>messages</c> operation); user text through the input guards,
/// <c>tool_result</c> and document blocks through the documents guards, a canary in <c>system</c>; the answer's
/// content blocks through the output guards, whole or streamed. Every error is in Anthropic's shape: the shared
/// error writer switches on this route (<see cref="Http.AnthropicErrors"/>).
/// </summary>
public sealed class AnthropicMessagesEndpoint(AnthropicRequestGuard requestGuard, AnthropicAnswerRelay answers, AnthropicStreamRelay streams) : IGuardedApi
{
    public string Operation => UpstreamTransformer.AnthropicMessages;

    public bool CanStream => true;

    public (string Code, string Message)? Invalid(JsonObject body) =>
        body["messages"] is JsonArray { Count: > 0 } ? null : ("invalid_messages", "'messages' must be a non-empty array.");

    /// <summary>Translating between the two wire formats would put a second, lossy parser in front of the guards.</summary>
    public (string Code, string Message)? Refuse(UpstreamOptions upstream, string model) => upstream.Kind == UpstreamKind.Anthropic ? null
        : ("model_not_anthropic", $"The model '{model}' is served by the upstream '{upstream.Name}' of kind {GatewayConfigLoader.KindName(upstream.Kind)}, which does not speak Anthropic's Messages API; call /v1/chat/completions for it, or route it to an upstream of kind anthropic.");

    public GuardedRequest Guard(JsonObject body, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken) =>
        requestGuard.Apply(body, (JsonArray)body["messages"]!, guards, findings, sharedVault, cancellationToken);

    public void PrepareUpstreamBody(JsonObject body, bool stream)
    {
        // Anthropic streams always carry usage (message_start, message_delta).
    }

    public Task RelayAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request, bool stream) => stream
        ? streams.WriteAsync(context, response, upstream, request)
        : answers.WriteAsync(context, response, upstream, request);
}
