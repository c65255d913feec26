using System.Diagnostics;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Keys;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// What one request contributes to its audit record, filled in as the request moves through the gateway and
/// turned into an <see cref="AuditRecord"/> when the response is done (whatever ended it).
/// </summary>
public sealed class RequestAudit(string requestId, DateTimeOffset started, string route)
{
    private readonly long _startedTimestamp = Stopwatch.GetTimestamp();

    public VirtualKey? Key { get; set; }
    public string? Model { get; set; }
    public string? Upstream { get; set; }
    public bool Stream { get; set; }
    public GuardFindings Guards { get; } = new();
    public long? PromptTokens { get; set; }
    public long? CompletionTokens { get; set; }
    public long? TotalTokens { get; set; }
    public string? Error { get; set; }
    public string? Excerpt { get; set; }

    /// <summary>The GenAI operation (<c>chat</c>, <c>embeddings</c>) for spans and metrics; set from the path, endpoints may refine it.</summary>
    public string? Operation { get; set; }

    /// <summary>The model the upstream says answered (<c>gen_ai.response.model</c>).</summary>
    public string? ResponseModel { get; set; }

    /// <summary>
    /// The client's request body as received (its whole prompt, before any guard), kept only under
    /// <c>audit.prompt-excerpt: full-encrypted</c>: sealed into the record's excerpt when the request ends, never stored,
    /// logged or traced in clear.
    /// </summary>
    public string? ClientPrompt { get; set; }

    public static RequestAudit For(HttpContext context) =>
        context.Features.Get<RequestAudit>() ?? throw new InvalidOperationException("no audit for this request: is the audit middleware registered?");

    public void TakeUsage(long? prompt, long? completion, long? total)
    {
        PromptTokens = prompt ?? PromptTokens;
        CompletionTokens = completion ?? CompletionTokens;
        TotalTokens = total ?? (prompt + completion) ?? TotalTokens;
    }

    public AuditRecord ToRecord(int status) => new()
    {
        RequestId = requestId,
        Time = started,
        KeyId = Key?.Id,
        Team = Key?.Team,
        Route = route,
        Model = Model,
        Upstream = Upstream,
        Stream = Stream,
        Status = status,
        LatencyMs = Math.Round(Stopwatch.GetElapsedTime(_startedTimestamp).TotalMilliseconds, 3),
        PromptTokens = PromptTokens,
        CompletionTokens = CompletionTokens,
        TotalTokens = TotalTokens,
        Verdict = Guards.Action.ToString().ToLowerInvariant(),
        Rules = [.. Guards.Rules],
        Error = Error,
        Excerpt = Excerpt,
    };
}
