using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>Server-sent events to the client: the response headers, and each event flushed as it is written (a stream must not sit in a buffer).</summary>
internal static class SseWriter
{
    public static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static void Start(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no"; // proxies in front must not buffer the stream
    }

    /// <summary>One event: <c>event: NAME</c> when named (the Responses API), then <c>data: JSON</c>.</summary>
    public static Task WriteAsync(HttpContext context, JsonObject data, string? eventName = null) => WriteAsync(context, GatewayJson.Bytes(data), eventName);

    public static async Task WriteAsync(HttpContext context, byte[] json, string? eventName = null)
    {
        var output = context.Response.Body;
        if (eventName is not null) await output.WriteAsync(Encoding.UTF8.GetBytes($"event: {eventName}\n"), context.RequestAborted).ConfigureAwait(false);
        await output.WriteAsync("data: "u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        await output.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
        await output.WriteAsync("\n\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        await output.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task WriteDoneAsync(HttpContext context)
    {
        await context.Response.Body.WriteAsync(Done, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
