using System.Net.Http.Headers;
using Bulwark.Gateway.Configuration;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Shapes the request for one upstream (YARP's header copying, then the gateway's changes): the client's virtual key
/// and cookies never leave, the upstream's own credential is added in the header its kind expects. The gateway sends
/// it itself (<see cref="UpstreamForwarder"/>), so that a failed attempt can be tried again.
/// </summary>
internal sealed class UpstreamTransformer(UpstreamOptions upstream, string operation, string upstreamModel) : HttpTransformer
{
    private static readonly string[] ClientOnlyHeaders = ["Authorization", "api-key", "x-api-key", "Cookie", "Accept-Encoding", "Proxy-Authorization", "anthropic-version"];

    /// <summary>The operation of Anthropic's native Messages API (the other operations are OpenAI's).</summary>
    public const string AnthropicMessages = "messages";

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        foreach (var header in ClientOnlyHeaders) proxyRequest.Headers.Remove(header);
        proxyRequest.RequestUri = Address(upstream, operation, upstreamModel);
        // Anthropic's native API takes its own headers; its OpenAI compatibility endpoint takes a Bearer key.
        var anthropicNative = upstream.Kind == UpstreamKind.Anthropic && operation == AnthropicMessages;
        if (anthropicNative) proxyRequest.Headers.TryAddWithoutValidation("anthropic-version", upstream.AnthropicVersion);
        if (upstream.ApiKey is not { Length: > 0 } key) return;
        if (upstream.Kind == UpstreamKind.AzureOpenAI) proxyRequest.Headers.TryAddWithoutValidation("api-key", key);
        else if (anthropicNative) proxyRequest.Headers.TryAddWithoutValidation("x-api-key", key);
        else proxyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// <summary>
    /// The upstream URL of an operation (<c>chat/completions</c>, <c>completions</c>, <c>embeddings</c>,
    /// <c>responses</c>, Anthropic's <c>messages</c>) for this upstream's kind. Azure scopes the older operations to a
    /// deployment in the path; its Responses API is not deployment-scoped (the deployment is the body's <c>model</c>).
    /// </summary>
    public static Uri Address(UpstreamOptions upstream, string operation, string upstreamModel) => upstream.Kind switch
    {
        UpstreamKind.AzureOpenAI when operation == "responses" => new Uri(upstream.BaseUrl, $"openai/{operation}?api-version={Uri.EscapeDataString(upstream.ApiVersion!)}"),
        UpstreamKind.AzureOpenAI => new Uri(upstream.BaseUrl, $"openai/deployments/{Uri.EscapeDataString(upstreamModel)}/{operation}?api-version={Uri.EscapeDataString(upstream.ApiVersion!)}"),
        _ => new Uri(upstream.BaseUrl, operation),
    };
}
