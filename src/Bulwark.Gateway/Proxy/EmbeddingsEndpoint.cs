using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Kernel.Guards;
using Bulwark.Usage.Guards;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// <c>POST /v1/embeddings</c> on <see cref="GuardedApiProxy"/>: each <c>input</c> string through the input guards
/// (a Block is a 400 naming the rule); the vectors pass through, with their usage audited and charged. A vector
/// cannot be restored, so with pseudonymisation on the provider embeds the placeholder: secrets and PII are masked
/// upstream, never restored.
/// </summary>
public sealed class EmbeddingsEndpoint(AnswerRelay answers) : IGuardedApi
{
    public string Operation => "embeddings";

    public bool CanStream => false;

    public (string Code, string Message)? Invalid(JsonObject body) => TextInput.Invalid(body, "input");

    public GuardedRequest Guard(JsonObject body, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken)
    {
        var pass = new RequestTextGuard(guards, findings, sharedVault, cancellationToken);
        TextInput.Guard(body, "input", pass, GuardStage.Input);
        return pass.Result(GuardContext.Empty);
    }

    public void PrepareUpstreamBody(JsonObject body, bool stream)
    {
    }

    public Task RelayAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request, bool stream) =>
        answers.WriteAsync(context, response, upstream, request, EmbeddingListShape.Instance);
}
