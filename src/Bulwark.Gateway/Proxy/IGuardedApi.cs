using Bulwark.Data.Anonymization;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// What one API (OpenAI's or Anthropic's) adds to <see cref="GuardedApiProxy"/>'s shared steps: the shape its body must have, which of
/// its texts go to which guard pipeline, and how its answer (whole or streamed) comes back through the output guards.
/// </summary>
public interface IGuardedApi
{
    /// <summary>The upstream operation, e.g. <c>chat/completions</c> (<see cref="UpstreamTransformer.Address"/>).</summary>
    string Operation { get; }

    /// <summary>Whether <c>stream: true</c> means a streamed answer for this API.</summary>
    bool CanStream { get; }

    /// <summary>Null when the body has what the API needs; otherwise the 400 error's code and message.</summary>
    (string Code, string Message)? Invalid(JsonObject body);

    /// <summary>Null when this upstream can serve the API; otherwise the 400 error's code and message.</summary>
    (string Code, string Message)? Refuse(UpstreamOptions upstream, string model) => null;

    /// <summary>Runs the request's texts through the input and documents guards of the request's policy (<see cref="GuardPolicies.For"/>), rewriting the body in place.</summary>
    GuardedRequest Guard(JsonObject body, GatewayGuards guards, GuardFindings findings, IPseudonymStore? sharedVault, CancellationToken cancellationToken);

    /// <summary>Last changes to the guarded body before it goes upstream (e.g. ask a stream for its usage).</summary>
    void PrepareUpstreamBody(JsonObject body, bool stream);

    /// <summary>Guards the upstream's answer and writes it to the client.</summary>
    Task RelayAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request, bool stream);
}
