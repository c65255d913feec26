using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Errors in Anthropic's shape, <c>{"type": "error", "error": {"type", "message"}, "request_id"}</c>, for the routes
/// Anthropic SDKs call (<c>/v1/messages</c>): the SDKs pick their exception from the status and show the message.
/// The gateway's own reason code rides along as <c>error.bulwark_code</c>, and a guard's rule id as
/// <c>error.bulwark_rule</c>; extra fields are ignored by the SDKs. Messages never carry a key or prompt text.
/// </summary>
public static class AnthropicErrors
{
    public const string InvalidRequest = "invalid_request_error";

    /// <summary>The routes whose clients expect this shape, middleware errors (401, 429, 500) included.</summary>
    public static bool Serves(HttpContext context) => context.Request.Path.StartsWithSegments("/v1/messages", StringComparison.OrdinalIgnoreCase);

    /// <summary>Anthropic's error type for an HTTP status (docs: "HTTP errors").</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => InvalidRequest,
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => InvalidRequest,
    };

    public static async Task WriteAsync(HttpContext context, int status, string code, string message, string? rule = null, TimeSpan? retryAfter = null)
    {
        if (context.Features.Get<RequestAudit>() is { } audit) audit.Error = code;
        if (context.Response.HasStarted) return; // a stream ends with an error event instead (AnthropicStreamRelay)
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfter is { } wait) context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Body(TypeFor(status), code, message, rule, context.TraceIdentifier), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The error object; also the data of a streamed <c>event: error</c> (without a request id). Written without
    /// HTML-safe escaping (<c>'</c> stays <c>'</c>): it is an API payload, never embedded in a page.
    /// </summary>
    public static byte[] Body(string type, string code, string message, string? rule = null, string? requestId = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("type", "error");
            json.WriteStartObject("error");
            json.WriteString("type", type);
            json.WriteString("message", message);
            json.WriteString("bulwark_code", code);
            if (rule is not null) json.WriteString("bulwark_rule", rule);
            json.WriteEndObject();
            if (requestId is not null) json.WriteString("request_id", requestId);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
