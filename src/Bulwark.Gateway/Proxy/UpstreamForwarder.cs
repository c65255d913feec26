using System.Diagnostics;
using System.Net;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Http;
using Bulwark.Gateway.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Sends a guarded request body upstream and hands the response to <c>handleResponse</c>, which guards and writes it.
/// Until then nothing has reached the client, so a failure that is safe to retry (no connection, a reset before the
/// headers, no headers in time, 502/503/504, 429) may be tried again on a fallback or the same upstream
/// (<see cref="AttemptPlan"/>), within the retry budget and past open circuits. What is left when the attempts run
/// out becomes an OpenAI-style error: 502 upstream_unavailable, 504 upstream_timeout, or the last upstream status as
/// <see cref="UpstreamFailure"/> maps it. The request is built by YARP's transformer (<see cref="UpstreamTransformer"/>)
/// but sent here: YARP's forwarder writes its own error status on failure, which a retry could not take back.
/// </summary>
public sealed partial class UpstreamForwarder(UpstreamClient client, GatewayOptions options, UpstreamHealth health, GatewayMetrics metrics, TimeProvider time, ILogger<UpstreamForwarder> logger)
{
    public async Task ForwardAsync(HttpContext context, IReadOnlyList<UpstreamTarget> targets, string operation, Func<UpstreamTarget, byte[]> bodyFor, Func<UpstreamOptions, HttpResponseMessage, Task> handleResponse)
    {
        var audit = RequestAudit.For(context);
        var plan = new AttemptPlan(targets, options.Resilience.Retries, health);
        if (plan.First(out var retryAfter) is not { } target)
        {
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "upstream_error", "upstream_unavailable",
                $"The upstream '{targets[0].Name}' is failing and has been taken out of rotation for a while; no fallback is available.", retryAfter).ConfigureAwait(false);
            return;
        }
        while (true)
        {
            audit.Upstream = target.Name; // the audit names the upstream that answered (or failed last)
            var attempt = await SendAsync(context, target, operation, bodyFor(target)).ConfigureAwait(false);
            RecordHealth(target, attempt);
            if (attempt.Outcome == AttemptOutcome.ClientGone)
            {
                audit.Error = "client_closed_request";
                return;
            }
            var next = plan.Next(target, attempt);
            if (next is null)
            {
                if (plan.Attempts > 1) Activity.Current?.SetTag(GatewayTelemetry.UpstreamAttempts, plan.Attempts);
                await DeliverAsync(context, target, attempt, plan.Attempts, handleResponse).ConfigureAwait(false);
                return;
            }
            attempt.Response?.Dispose();
            LogRetry(logger, target.Name, attempt.Outcome, attempt.Reason ?? "-", next.Name);
            metrics.Retried(target.Name);
            if (next == target && !await BackOffAsync(plan.Attempts, context.RequestAborted).ConfigureAwait(false))
            {
                audit.Error = "client_closed_request";
                return;
            }
            target = next;
        }
    }

    private async Task<UpstreamAttempt> SendAsync(HttpContext context, UpstreamTarget target, string operation, byte[] body)
    {
        // The guarded body replaces the one the client sent; YARP's transformer copies the headers from the request.
        context.Request.ContentLength = body.Length;
        context.Request.ContentType = "application/json";
        // HTTP/1.1: the answer body is read by the relays under its own idle timeout (UpstreamBody).
        using var request = new HttpRequestMessage(HttpMethod.Post, (Uri?)null)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = new ByteArrayContent(body),
        };
        await new UpstreamTransformer(target.Upstream, operation, target.UpstreamModel)
            .TransformRequestAsync(context, request, target.Upstream.BaseUrl.AbsoluteUri, context.RequestAborted).ConfigureAwait(false);
        using var headersDue = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        headersDue.CancelAfter(options.Limits.UpstreamTimeout);
        try
        {
            // HttpMessageInvoker does not buffer: this returns at the response headers, and the body streams after.
            return UpstreamAttempt.Answered(await client.Invoker.SendAsync(request, headersDue.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return new UpstreamAttempt(AttemptOutcome.ClientGone);
        }
        catch (OperationCanceledException)
        {
            return new UpstreamAttempt(AttemptOutcome.TimedOut, Reason: "no response headers in time");
        }
        catch (HttpRequestException e)
        {
            return new UpstreamAttempt(AttemptOutcome.Unreachable, Reason: e.HttpRequestError.ToString());
        }
    }

    private void RecordHealth(UpstreamTarget target, UpstreamAttempt attempt)
    {
        var circuit = health.Circuit(target.Name);
        switch (attempt.Healthy)
        {
            case true when circuit.Succeeded():
                metrics.CircuitChanged(target.Name, open: false);
                LogCircuitClosed(logger, target.Name);
                break;
            case false when circuit.Failed():
                metrics.CircuitChanged(target.Name, open: true);
                LogCircuitOpened(logger, target.Name, options.Resilience.CircuitBreaker.OpenFor.TotalSeconds);
                break;
            case null:
                circuit.Released();
                break;
        }
    }

    /// <summary>A short jittered pause before the same upstream is tried again (a fallback is tried at once).</summary>
    private async Task<bool> BackOffAsync(int attempt, CancellationToken requestAborted)
    {
#pragma warning disable CA5394 // jitter, not security: spreads retries so clients failing together do not retry together
        var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(25, 100) * attempt);
#pragma warning restore CA5394
        try
        {
            await Task.Delay(delay, time, requestAborted).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The last attempt's answer to the relay, or its failure as the client's error.</summary>
    private async Task DeliverAsync(HttpContext context, UpstreamTarget target, UpstreamAttempt attempt, int attempts, Func<UpstreamOptions, HttpResponseMessage, Task> handleResponse)
    {
        var upstream = target.Upstream;
        var tries = attempts > 1 ? $" ({attempts} attempts)" : "";
        if (attempt.Response is not { } response)
        {
            LogUpstreamFailed(logger, upstream.Name, attempt.Outcome, attempt.Reason ?? "-");
            if (attempt.Outcome == AttemptOutcome.TimedOut)
                await OpenAIErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "upstream_error", "upstream_timeout", $"The upstream '{upstream.Name}' did not answer within {options.Limits.UpstreamTimeout.TotalSeconds:0.###} s{tries}.").ConfigureAwait(false);
            else
                await OpenAIErrors.WriteAsync(context, StatusCodes.Status502BadGateway, "upstream_error", "upstream_unavailable", $"The upstream '{upstream.Name}' could not be reached ({attempt.Reason}){tries}.").ConfigureAwait(false);
            return;
        }
        using (response)
        {
            try
            {
                await handleResponse(upstream, response).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await HandlerFailedAsync(context, upstream, e).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The relay threw: a whole answer that stalled or broke off mid-body (streams end themselves with an error event).</summary>
    private async Task HandlerFailedAsync(HttpContext context, UpstreamOptions upstream, Exception failure)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            RequestAudit.For(context).Error = "client_closed_request";
            return;
        }
        LogAnswerFailed(logger, upstream.Name, failure.GetType().Name);
        var timedOut = failure is UpstreamIdleTimeoutException;
        var code = timedOut ? "upstream_timeout" : "upstream_failed";
        if (context.Response.HasStarted)
        {
            // Too late for an error status: end the response so the client cannot take it for a whole answer.
            RequestAudit.For(context).Error = code;
            context.Abort();
            return;
        }
        if (timedOut)
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "upstream_error", code, $"The upstream '{upstream.Name}' stopped sending for {options.Limits.UpstreamTimeout.TotalSeconds:0.###} s.").ConfigureAwait(false);
        else
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status502BadGateway, "upstream_error", code, $"The answer from upstream '{upstream.Name}' could not be read.").ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream {Upstream} failed: {Outcome} ({Reason})")]
    private static partial void LogUpstreamFailed(ILogger logger, string upstream, AttemptOutcome outcome, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream {Upstream} answer failed: {Exception}")]
    private static partial void LogAnswerFailed(ILogger logger, string upstream, string exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "upstream {Upstream} failed: {Outcome} ({Reason}); retrying on {Next}")]
    private static partial void LogRetry(ILogger logger, string upstream, AttemptOutcome outcome, string reason, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "upstream {Upstream}: circuit opened, skipped for {Seconds} s")]
    private static partial void LogCircuitOpened(ILogger logger, string upstream, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "upstream {Upstream}: circuit closed")]
    private static partial void LogCircuitClosed(ILogger logger, string upstream);
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
