using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// <c>POST /v1/chat/completions</c> on <see cref="GuardedApiProxy"/>: user messages through the input guards, tool
/// results through the documents guards, a canary in the system message; the answer's message content through the
/// output guards, whole or streamed (tool-call arguments get their placeholders restored).
/// </summary>
public sealed class ChatCompletionsEndpoint(ChatRequestGuard requestGuard, AnswerRelay answers, StreamingChoicesRelay streams) : IGuardedApi
{
    public string Operation => "chat/completions";

    public bool CanStream => true;

    public (string Code, string Message)? Invalid(JsonObject body) =>
        body["messages"] is JsonArray { Count: > 0 } ? null : ("invalid_messages", "'messages' must be a non-empty array.");

    public GuardedRequest Guard(JsonObject body, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken) =>
        requestGuard.Apply((JsonArray)body["messages"]!, guards, findings, sharedVault, cancellationToken);

    public void PrepareUpstreamBody(JsonObject body, bool stream)
    {
        if (stream) GuardedApiProxy.AskForUsage(body);
    }

    public Task RelayAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request, bool stream) => stream
        ? streams.WriteAsync(context, response, upstream, request, ChoiceStreamFormat.Chat)
        : answers.WriteAsync(context, response, upstream, request, ChatCompletionShape.Instance);
}
