using Bulwark.Gateway.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Gives every API request an audit record, written when the response is done, whatever ended it: an answer, a
/// guard, an error, an exception (500, OpenAI-style), or the client hanging up.
/// </summary>
public sealed partial class AuditMiddleware(RequestDelegate next, AuditWriter writer, TimeProvider time, ILogger<AuditMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var audit = new RequestAudit(context.TraceIdentifier, time.GetUtcNow(), $"{context.Request.Method} {context.Request.Path}");
        context.Features.Set(audit);
        try
        {
            await next(context).ConfigureAwait(false);
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
            writer.Enqueue(audit.ToRecord(status));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "request {RequestId} failed with {Exception}")]
    private static partial void LogUnhandled(ILogger logger, string requestId, string exception);
}
