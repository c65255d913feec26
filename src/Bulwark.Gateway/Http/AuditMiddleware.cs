using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Gives every API request an audit record, written when the response is done, whatever ended it: an answer, a
/// guard, an error, an exception (500, OpenAI-style), or the client hanging up. The same place ends the request's
/// span, records its metrics and writes its log line, all from that record, so they always agree.
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
        using var span = RequestTelemetry.Start(context, audit);
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
            var record = audit.ToRecord(status);
            if (options.PromptCipher is { } cipher && audit.ClientPrompt is { } prompt) record = record with { Excerpt = cipher.Seal(record, prompt) };
            writer.Enqueue(record);
            telemetry.Finish(span, context, audit, record);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "request {RequestId} failed with {Exception}")]
    private static partial void LogUnhandled(ILogger logger, string requestId, string exception);
}
