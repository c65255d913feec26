using System.Diagnostics;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Telemetry;

/// <summary>
/// Opens a request's span and, when the request is done, describes it the same way everywhere from its audit record:
/// span attributes (GenAI conventions), metrics, and one structured log line. Called by <see cref="AuditMiddleware"/>,
/// the one place every API request ends.
/// </summary>
public sealed partial class RequestTelemetry(GatewayOptions options, GatewayMetrics metrics, ILogger<RequestTelemetry> logger)
{
    /// <summary>The request's span, or null when nobody listens (no collector, no test listener): then it costs nothing.</summary>
    public static Activity? Start(HttpContext context, RequestAudit audit) =>
        GatewayTelemetry.Source.StartActivity(audit.Operation ?? $"{context.Request.Method} {RouteOf(context)}", ActivityKind.Client);

    public void Finish(Activity? span, HttpContext context, RequestAudit audit, AuditRecord record)
    {
        var outcome = OutcomeOf(context, audit, record);
        metrics.Record(outcome);
        if (span is not null) Describe(span, outcome, audit, record);
        var level = record.Status >= 500 ? LogLevel.Warning : LogLevel.Information;
        if (!logger.IsEnabled(level)) return;
        var rules = string.Join(' ', record.Rules);
        var traceId = (span ?? Activity.Current)?.TraceId.ToHexString();
        LogRequest(logger, level, context.Request.Method, outcome.Route, record.Status, record.LatencyMs, record.RequestId, record.KeyId, record.Team,
            outcome.Model, record.Verdict, rules, record.Error, traceId);
    }

    private RequestOutcome OutcomeOf(HttpContext context, RequestAudit audit, AuditRecord record)
    {
        var upstream = record.Upstream is { } name && options.Upstreams.TryGetValue(name, out var u) ? u : null;
        return new RequestOutcome
        {
            Route = RouteOf(context),
            Status = record.Status,
            Latency = TimeSpan.FromMilliseconds(record.LatencyMs),
            Operation = audit.Operation,
            Model = record.Model is { } model && options.Routes.ContainsKey(model) ? model : null,
            Team = record.Team,
            Provider = upstream is null ? null : GatewayTelemetry.ProviderFor(upstream.Kind),
            ServerAddress = upstream?.BaseUrl.Host,
            ServerPort = upstream?.BaseUrl.Port,
            ErrorType = record.Error ?? (record.Status >= 400 ? record.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : null),
            InputTokens = record.PromptTokens,
            OutputTokens = record.CompletionTokens,
            Guarded = audit.Guards.Checked,
            Verdict = record.Verdict,
            Rules = record.Rules,
        };
    }

    private static void Describe(Activity span, RequestOutcome outcome, RequestAudit audit, AuditRecord record)
    {
        if (outcome.Operation is { } operation)
        {
            span.DisplayName = outcome.Model is { } model ? $"{operation} {model}" : operation;
            span.SetTag(GatewayTelemetry.OperationName, operation);
        }
        span.SetTag(GatewayTelemetry.ProviderName, outcome.Provider);
        span.SetTag(GatewayTelemetry.System, outcome.Provider);
        span.SetTag(GatewayTelemetry.RequestModel, outcome.Model);
        span.SetTag(GatewayTelemetry.ResponseModel, audit.ResponseModel);
        span.SetTag(GatewayTelemetry.InputTokens, outcome.InputTokens);
        span.SetTag(GatewayTelemetry.OutputTokens, outcome.OutputTokens);
        span.SetTag(GatewayTelemetry.ServerAddress, outcome.ServerAddress);
        span.SetTag(GatewayTelemetry.ServerPort, outcome.ServerPort);
        span.SetTag(GatewayTelemetry.HttpRoute, outcome.Route);
        span.SetTag(GatewayTelemetry.HttpStatus, outcome.Status);
        span.SetTag(GatewayTelemetry.Verdict, outcome.Verdict);
        if (outcome.Rules.Count > 0) span.SetTag(GatewayTelemetry.Rules, outcome.Rules.ToArray());
        span.SetTag(GatewayTelemetry.KeyId, record.KeyId);
        span.SetTag(GatewayTelemetry.Team, record.Team);
        span.SetTag(GatewayTelemetry.RequestId, record.RequestId);
        span.SetTag(GatewayTelemetry.Stream, record.Stream);
        if (outcome.ErrorType is { } error)
        {
            span.SetTag(GatewayTelemetry.ErrorType, error);
            span.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    /// <summary>The matched route's template, never the raw path (a client chooses the path; it may carry anything).</summary>
    internal static string RouteOf(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: ['/', ..] template } ? template : "unmatched";

    [LoggerMessage(Message = "{Method} {Route} answered {Status} in {LatencyMs} ms (request {RequestId}, key {KeyId}, team {Team}, model {Model}, verdict {Verdict}, rules [{Rules}], error {Error}, trace {TraceId})")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int status, double latencyMs, string requestId, string? keyId,
        string? team, string? model, string verdict, string rules, string? error, string? traceId);
}
