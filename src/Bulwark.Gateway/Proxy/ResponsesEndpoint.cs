using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// <c>POST /v1/responses</c> (OpenAI's Responses API) on <see cref="GuardedApiProxy"/>: user input through the input
/// guards, tool outputs through the documents guards, a canary in <c>instructions</c>; the output's text through the
/// output guards, whole or streamed as named events. Usage comes from <c>usage</c> (<c>input_tokens</c>,
/// <c>output_tokens</c>), in the streamed <c>response.completed</c> too.
/// </summary>
public sealed class ResponsesEndpoint(ResponsesRequestGuard requestGuard, AnswerRelay answers, StreamingResponsesRelay streams) : IGuardedApi
{
    public string Operation => "responses";

    public bool CanStream => true;

    public (string Code, string Message)? Invalid(JsonObject body) => body["input"] switch
    {
        JsonValue value when value.AsString() is not null => null,
        JsonArray => null,
        null when body["prompt"] is JsonObject || body["previous_response_id"] is not null => null,
        _ => ("invalid_input", "'input' must be a string or an array of input items."),
    };

    public GuardedRequest Guard(JsonObject body, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken) =>
        requestGuard.Apply(body, guards, findings, sharedVault, cancellationToken);

    public void PrepareUpstreamBody(JsonObject body, bool stream)
    {
    }

    public Task RelayAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request, bool stream) => stream
        ? streams.WriteAsync(context, response, upstream, request)
        : answers.WriteAsync(context, response, upstream, request, ResponseOutputShape.Instance);
}
