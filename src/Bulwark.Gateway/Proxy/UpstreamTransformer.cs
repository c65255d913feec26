using System.Net.Http.Headers;
using Bulwark.Gateway.Configuration;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Shapes the forwarded request for one upstream and hands the upstream's response to the gateway instead of
/// copying it: the client's virtual key and cookies never leave, the upstream's own credential is added in the header
/// its kind expects, and the answer goes through the output guards before anything reaches the client.
/// </summary>
internal sealed class UpstreamTransformer(UpstreamOptions upstream, string operation, string upstreamModel, Func<HttpResponseMessage, Task> handleResponse) : HttpTransformer
{
    private static readonly string[] ClientOnlyHeaders = ["Authorization", "api-key", "x-api-key", "Cookie", "Accept-Encoding", "Proxy-Authorization", "anthropic-version"];

    /// <summary>The operation of Anthropic's native Messages API (the other operations are OpenAI's).</summary>
    public const string AnthropicMessages = "messages";

    /// <summary>An exception the response handler threw (YARP would otherwise report it as a response-copy failure).</summary>
    public Exception? HandlerFailure { get; private set; }

    public bool ResponseHandled { get; private set; }

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

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null) return false; // YARP's error path: the forwarder reports it
        ResponseHandled = true;
        try
        {
            await handleResponse(proxyResponse).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            HandlerFailure = e;
        }
        return false; // the handler wrote the response; YARP must not copy the upstream body
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
