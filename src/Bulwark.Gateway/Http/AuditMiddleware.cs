using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Bulwark.Gateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Gives every API request an audit record, written when the response is done, whatever ended it: an answer, a
/// guard, an error, an exception (500, OpenAI-style), or the client hanging up. The same place ends the request's
/// span, records its metrics and writes its log line, all from that record, so they always agree.
/// <para>
/// With <c>audit.durability: strict</c> the response completes only after its record is committed: Content-Length is
/// removed as the response starts, so the body goes chunked and the client sees the end only when the terminating
/// chunk follows this middleware's return. When the commit fails and <c>stores.on-failure</c> is closed, the connection
/// is aborted instead, so the client never counts the request as answered; and while the audit store is failing, new
/// requests are refused with 503 <c>store_unavailable</c> before anything reaches the upstream.
/// </para>
/// </summary>
public sealed partial class AuditMiddleware(RequestDelegate next, AuditWriter writer, RequestTelemetry telemetry, GatewayOptions options, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var audit = new RequestAudit(context.TraceIdentifier, time.GetUtcNow(), $"{context.Request.Method} {context.Request.Path}")
        {
            Operation = GatewayTelemetry.OperationFor(context.Request.Path),
        };
        context.Features.Set(audit);
        var strict = options.AuditDurability == AuditDurability.Strict;
        if (strict) context.Response.OnStarting(WithoutContentLength, context.Response);
        var failClosed = options.StoreFailure == StoreFailureMode.Closed;
        var refused = failClosed && writer.StoreFailing;
        using var span = RequestTelemetry.Start(context, audit);
        try
        {
            if (refused) await StoreUnavailable(context).ConfigureAwait(false);
            else await next(context).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            refused = true;
            await StoreUnavailable(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            audit.Error ??= "client_closed_request";
        }
        catch (Exception e)
        {
            // The type only: exception messages may quote request content.
            LogUnhandled(logger, context.TraceIdentifier, e.GetType().FullName ?? "exception");
            await OpenAIErrors.WriteAsync(context, 500, "server_error", "internal_error", $"Bulwark failed on this request (request id {context.TraceIdentifier}).").ConfigureAwait(false);
        }
        finally
        {
            var status = audit.Error == "client_closed_request" ? 499 : context.Response.StatusCode;
            var record = audit.ToRecord(status);
            if (options.PromptCipher is { } cipher && audit.ClientPrompt is { } prompt) record = record with { Excerpt = cipher.Seal(record, prompt) };
            telemetry.Finish(span, context, audit, record);
            // A refusal is audited too, but not waited for: the store is known to be down.
            if (!strict || refused) writer.Enqueue(record);
            else if (!await writer.WriteAsync(record).ConfigureAwait(false) && failClosed) context.Abort();
        }
    }

    private static Task WithoutContentLength(object response)
    {
        ((HttpResponse)response).Headers.ContentLength = null;
        return Task.CompletedTask;
    }

    private static Task StoreUnavailable(HttpContext context) =>
        OpenAIErrors.WriteAsync(context, 503, "server_error", "store_unavailable",
            "Bulwark's database is unavailable, and stores.on-failure is closed: the request was not served. Retry shortly.", TimeSpan.FromSeconds(1));

    [LoggerMessage(Level = LogLevel.Error, Message = "request {RequestId} failed with {Exception}")]
    private static partial void LogUnhandled(ILogger logger, string requestId, string exception);
}
