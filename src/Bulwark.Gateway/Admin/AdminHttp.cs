using System.Text.Json.Nodes;
using Bulwark.Gateway.Http;
using Bulwark.Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Admin;

/// <summary>Reading and answering admin requests: JSON in and out, errors in the same OpenAI shape as /v1.</summary>
internal static class AdminHttp
{
    /// <summary>Admin bodies are a handful of fields.</summary>
    private const long MaxBodyBytes = 64 * 1024;

    /// <summary>The body as a JSON object, or null after answering 400 (or 413).</summary>
    public static async Task<JsonObject?> ReadAsync(HttpContext context)
    {
        var read = await JsonBodyReader.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (read.Ok) return read.Body;
        await OpenAIErrors.InvalidRequest(context, read.Status, read.Code!, read.Message!).ConfigureAwait(false);
        return null;
    }

    public static async Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        // Admin answers may carry a new key: no cache anywhere may keep them.
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(GatewayJson.Bytes(body), context.RequestAborted).ConfigureAwait(false);
    }

    public static Task InvalidAsync(HttpContext context, List<string> errors) =>
        OpenAIErrors.InvalidRequest(context, 400, "invalid_field", "Invalid request: " + string.Join("; ", errors) + ".");

    public static Task NotFoundAsync(HttpContext context, string code, string message) => OpenAIErrors.InvalidRequest(context, 404, code, message);

    /// <summary>An id or name from the URL, shortened for an error message.</summary>
    public static string Shown(string text) => text.Length > 100 ? text[..100] + "…" : text;
}
