using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Sends a guarded request body upstream through YARP's <see cref="IHttpForwarder"/> and turns the ways that can
/// fail into OpenAI-style errors: no connection (502 upstream_unavailable), no answer in time (504
/// upstream_timeout). The upstream's answer goes to <c>handleResponse</c>, which guards and writes it.
/// </summary>
public sealed partial class UpstreamForwarder(IHttpForwarder forwarder, UpstreamClient client, GatewayOptions options, ILogger<UpstreamForwarder> logger)
{
    public async Task ForwardAsync(HttpContext context, UpstreamOptions upstream, string operation, string upstreamModel, byte[] body, Func<HttpResponseMessage, Task> handleResponse)
    {
        // The guarded body replaces the one the client sent (already read); YARP streams it from here.
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = "application/json";

        var transformer = new UpstreamTransformer(upstream, operation, upstreamModel, handleResponse);
        // HTTP/1.1: over HTTP/2 the forwarder's activity timer would also cancel the long answer body the gateway
        // reads itself (streams run longer than the timeout); the body has its own idle timeout (IdleTimeoutStream).
        var config = new ForwarderRequestConfig
        {
            ActivityTimeout = options.Limits.UpstreamTimeout,
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        var error = await forwarder.SendAsync(context, upstream.BaseUrl.AbsoluteUri, client.Invoker, config, transformer).ConfigureAwait(false);

        if (transformer.HandlerFailure is { } failure) await HandlerFailedAsync(context, upstream, failure).ConfigureAwait(false);
        if (error == ForwarderError.None || transformer.ResponseHandled) return;

        var exception = context.GetForwarderErrorFeature()?.Exception;
        LogUpstreamFailed(logger, upstream.Name, error, exception?.GetType().Name ?? "-");
        if (error == ForwarderError.RequestCanceled || context.RequestAborted.IsCancellationRequested)
        {
            RequestAudit.For(context).Error = "client_closed_request";
            return;
        }
        if (error == ForwarderError.RequestTimedOut)
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "upstream_error", "upstream_timeout", $"The upstream '{upstream.Name}' did not answer within {options.Limits.UpstreamTimeout.TotalSeconds:0.###} s.").ConfigureAwait(false);
        else
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status502BadGateway, "upstream_error", "upstream_unavailable", $"The upstream '{upstream.Name}' could not be reached ({error}).").ConfigureAwait(false);
    }

    private async Task HandlerFailedAsync(HttpContext context, UpstreamOptions upstream, Exception failure)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            RequestAudit.For(context).Error = "client_closed_request";
            return;
        }
        if (failure is UpstreamIdleTimeoutException)
        {
            LogUpstreamFailed(logger, upstream.Name, ForwarderError.ResponseBodyDestination, failure.GetType().Name);
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "upstream_error", "upstream_timeout", $"The upstream '{upstream.Name}' stopped sending for {options.Limits.UpstreamTimeout.TotalSeconds:0.###} s.").ConfigureAwait(false);
            return;
        }
        LogUpstreamFailed(logger, upstream.Name, ForwarderError.ResponseBodyDestination, failure.GetType().Name);
        await OpenAIErrors.WriteAsync(context, StatusCodes.Status502BadGateway, "upstream_error", "upstream_failed", $"The answer from upstream '{upstream.Name}' could not be read.").ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream {Upstream} failed: {Error} ({Exception})")]
    private static partial void LogUpstreamFailed(ILogger logger, string upstream, ForwarderError error, string exception);
}

/// <summary>The upstream's answer stalled for longer than limits.upstream-timeout.</summary>
public sealed class UpstreamIdleTimeoutException(TimeSpan timeout) : TimeoutException($"no data from the upstream for {timeout.TotalSeconds:0.###} s");

/// <summary>The one HTTP client every upstream call shares (connection pooling, no redirects, no cookies, no proxy).</summary>
public sealed class UpstreamClient : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
    }, disposeHandler: true);

    public void Dispose() => Invoker.Dispose();
}
