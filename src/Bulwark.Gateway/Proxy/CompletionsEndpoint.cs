using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// <c>POST /v1/completions</c> (legacy text completions) on <see cref="GuardedApiProxy"/>: each <c>prompt</c> string
/// and the <c>suffix</c> through the input guards; each choice's <c>text</c> through the output guards, whole or
/// streamed. No canary: a raw completion has no system prompt to plant it in, and text added to the prompt would
/// change what the model continues.
/// </summary>
public sealed class CompletionsEndpoint(AnswerRelay answers, StreamingChoicesRelay streams) : IGuardedApi
{
    public string Operation => "completions";

    public bool CanStream => true;

    public (string Code, string Message)? Invalid(JsonObject body) =>
        TextInput.Invalid(body, "prompt") ?? (body["suffix"] is null || body["suffix"].AsString() is not null ? null : ("invalid_suffix", "'suffix' must be a string."));

    public GuardedRequest Guard(JsonObject body, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken)
    {
        var pass = new RequestTextGuard(guards, findings, sharedVault, cancellationToken);
        if (TextInput.Guard(body, "prompt", pass, GuardStage.Input) && body["suffix"].AsString() is not null) TextInput.Guard(body, "suffix", pass, GuardStage.Input);
        return pass.Result(GuardContext.Empty);
    }

    public void PrepareUpstreamBody(JsonObject body, bool stream)
    {
        if (stream) GuardedApiProxy.AskForUsage(body);
    }

    public Task RelayAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request, bool stream) => stream
        ? streams.WriteAsync(context, response, upstream, request, ChoiceStreamFormat.Completion)
        : answers.WriteAsync(context, response, upstream, request, TextCompletionShape.Instance);
}
