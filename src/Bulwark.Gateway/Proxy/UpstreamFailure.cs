using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// An upstream that answered with an error status. Server errors and refused gateway credentials become 502 (the
/// client did nothing wrong, and must not think its own key was refused); the upstream's rate limit stays 429 with
/// its Retry-After; other client errors (a bad parameter) pass through with the upstream's JSON body.
/// </summary>
internal static class UpstreamFailure
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>
    /// The answer's body when the upstream succeeded; otherwise the client has been given the mapped error and the
    /// result is null. The relays of plain and streamed answers both start here.
    /// </summary>
    public static async Task<UpstreamBody?> OpenAnswerAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, TimeSpan timeout)
    {
        var body = new UpstreamBody(await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false), timeout, context.RequestAborted);
        if (response.IsSuccessStatusCode) return body;
        using (body)
        {
            await WriteAsync(context, response, upstream, body).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>
    /// <see cref="OpenAnswerAsync"/> for a streamed answer, which must be an event stream: anything else (an HTML error
    /// page, a whole JSON answer) is refused with 502 upstream_invalid_response while the status can still say so.
    /// </summary>
    public static async Task<UpstreamBody?> OpenStreamAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, TimeSpan timeout)
    {
        var body = await OpenAnswerAsync(context, response, upstream, timeout).ConfigureAwait(false);
        if (body is null || response.Content.Headers.ContentType?.MediaType is null or "text/event-stream") return body;
        body.Dispose();
        await OpenAIErrors.WriteAsync(context, 502, "upstream_error", "upstream_invalid_response", $"The upstream '{upstream.Name}' answered a streamed request with something other than an event stream.").ConfigureAwait(false);
        return null;
    }

    private static async Task WriteAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, UpstreamBody body)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            await OpenAIErrors.WriteAsync(context, 502, "upstream_error", "upstream_error", $"The upstream '{upstream.Name}' failed (HTTP {status}).").ConfigureAwait(false);
            return;
        }
        if (status is 401 or 403)
        {
            await OpenAIErrors.WriteAsync(context, 502, "upstream_error", "upstream_auth_failed", $"The upstream '{upstream.Name}' refused the gateway's credentials (HTTP {status}).").ConfigureAwait(false);
            return;
        }
        if (status == 429)
        {
            var retry = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            await OpenAIErrors.WriteAsync(context, 429, "rate_limit_error", "upstream_rate_limited", $"The upstream '{upstream.Name}' is rate limiting the gateway; retry later.", retry).ConfigureAwait(false);
            return;
        }
        var content = await body.ReadAllAsync(MaxErrorBodyBytes).ConfigureAwait(false);
        var isJson = response.Content.Headers.ContentType?.MediaType == "application/json";
        if (content is null || !isJson)
        {
            await OpenAIErrors.WriteAsync(context, status, "invalid_request_error", "upstream_rejected", $"The upstream '{upstream.Name}' rejected the request (HTTP {status}).").ConfigureAwait(false);
            return;
        }
        RequestAudit.For(context).Error = "upstream_rejected";
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
    }
}
