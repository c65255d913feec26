using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Errors in OpenAI's shape, <c>{"error": {"message", "type", "param", "code"}}</c>, so every OpenAI client shows them.
/// Messages never carry a key, a credential or prompt text: only what the gateway decided and why.
/// On the Anthropic routes (<see cref="AnthropicErrors.Serves"/>) the same error is written in Anthropic's shape, so
/// shared code (the key middleware, the forwarder) needs no route logic of its own.
/// </summary>
public static class OpenAIErrors
{
    /// <summary>The type of every error a guard caused; the code is the rule id.</summary>
    public const string GuardType = "bulwark_guard";

    public static async Task WriteAsync(HttpContext context, int status, string type, string code, string message, TimeSpan? retryAfter = null)
    {
        if (AnthropicErrors.Serves(context))
        {
            await AnthropicErrors.WriteAsync(context, status, code, message, type == GuardType ? code : null, retryAfter).ConfigureAwait(false);
            return;
        }
        if (context.Features.Get<RequestAudit>() is { } audit) audit.Error = code;
        if (context.Response.HasStarted) return; // a stream ends with an error event instead (StreamingChoicesRelay, StreamingResponsesRelay)
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfter is { } wait) context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Body(type, code, message), context.RequestAborted).ConfigureAwait(false);
    }

    public static byte[] Body(string type, string code, string message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            json.WriteNull("param");
            json.WriteString("code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static Task InvalidRequest(HttpContext context, int status, string code, string message) =>
        WriteAsync(context, status, "invalid_request_error", code, message);
}
