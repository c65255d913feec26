using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Gateway.Keys;
using Bulwark.Gateway.Redis;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// The steps every guarded API shares (OpenAI's and Anthropic's): read and check the body, route the model (and the key's allow-list),
/// run the API's input and document guards (block → 400 naming the rule, nothing sent upstream), forward the guarded
/// body (retried or sent to a fallback when that is safe: <see cref="UpstreamForwarder"/>), let the API relay the answer through the output guards, and record the tokens it used (which
/// <see cref="Http.KeyAuthenticationMiddleware"/> charges to the key and its team). What differs per API comes from its <see cref="IGuardedApi"/>.
/// </summary>
public sealed class GuardedApiProxy(GatewayOptions options, GuardPolicies policies, UpstreamForwarder forwarder, StreamSlots streamSlots, SharedPseudonymVaults vaults)
{
    public async Task HandleAsync(HttpContext context, IGuardedApi api)
    {
        var audit = RequestAudit.For(context);
        var read = await JsonBodyReader.ReadAsync(context.Request, options.Limits.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (!read.Ok)
        {
            // The rest of an oversized body is never read: the connection cannot carry another request, so say so
            // (a client that reused it would see its next request fail).
            if (read.Status is StatusCodes.Status413PayloadTooLarge or StatusCodes.Status408RequestTimeout) context.Response.Headers.Connection = "close";
            await OpenAIErrors.InvalidRequest(context, read.Status, read.Code!, read.Message!).ConfigureAwait(false);
            return;
        }
        var body = read.Body!;
        if (await RouteAsync(context, body, api, audit).ConfigureAwait(false) is not var (route, upstream)) return;
        if (api.Invalid(body) is var (code, message))
        {
            await OpenAIErrors.InvalidRequest(context, 400, code, message).ConfigureAwait(false);
            return;
        }
        var stream = api.CanStream && body["stream"].AsBool() == true;
        audit.Stream = stream;
        using var streamSlot = stream && audit.Key is { } streamer ? streamSlots.TryEnter(streamer.Id) : null;
        if (stream && audit.Key is not null && streamSlot is null)
        {
            await OpenAIErrors.WriteAsync(context, 429, "rate_limit_error", "too_many_streams",
                $"This key already has {options.Limits.MaxStreamsPerKey} streams open on this gateway (limits.max-streams-per-key); retry when one ends.", TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return;
        }

        // Forensic copy before any guard rewrites the body: sealed into the audit record when the request ends.
        if (options.PromptExcerpt == PromptExcerptMode.FullEncrypted) audit.ClientPrompt = body.ToJsonString(GatewayJson.Options);
        var guards = policies.For(audit.Key, route);
        var guarded = api.Guard(body, guards, audit.Guards, guards.Options.Pseudonymize ? vaults.For(audit.Key) : null, context.RequestAborted);
        audit.Excerpt = Excerpt(guards, options.PromptExcerpt, guarded.LastUserText);
        if (guarded.BlockedBy is { } verdict)
        {
            var (rule, reason) = GuardFindings.BlockReason(verdict);
            var stage = guarded.Stage == Usage.Guards.GuardStage.Documents ? "documents guard, on a tool result or document" : "input guard";
            await OpenAIErrors.WriteAsync(context, 400, OpenAIErrors.GuardType, rule, $"Bulwark blocked this request: {reason} (rule {rule}, {stage}).").ConfigureAwait(false);
            return;
        }

        api.PrepareUpstreamBody(body, stream);
        await forwarder.ForwardAsync(context, Targets(route, upstream, api, shown: route.Model), api.Operation, target =>
        {
            body["model"] = target.UpstreamModel; // each upstream gets the name it knows the model by
            return GatewayJson.Bytes(body);
        }, (answering, response) => api.RelayAsync(context, response, answering, guarded, stream)).ConfigureAwait(false);
    }

    /// <summary>The route's upstream, then its fallbacks that can serve this API (a fallback of another kind is passed over).</summary>
    private List<UpstreamTarget> Targets(ModelRoute route, UpstreamOptions upstream, IGuardedApi api, string shown)
    {
        var targets = new List<UpstreamTarget> { new(upstream, route.UpstreamModel) };
        foreach (var fallback in route.Fallbacks ?? [])
        {
            var candidate = options.Upstreams[fallback.Upstream];
            if (api.Refuse(candidate, shown) is null && targets.TrueForAll(t => t.Name != candidate.Name)) targets.Add(new UpstreamTarget(candidate, fallback.UpstreamModel));
        }
        return targets;
    }

    /// <summary>The route and upstream for the body's model, or null after writing the error (missing, unknown, not allowed).</summary>
    private async Task<(ModelRoute, UpstreamOptions)?> RouteAsync(HttpContext context, JsonObject body, IGuardedApi api, RequestAudit audit)
    {
        if (body["model"].AsString() is not { Length: > 0 } model)
        {
            await OpenAIErrors.InvalidRequest(context, 400, "missing_model", "'model' is required.").ConfigureAwait(false);
            return null;
        }
        var shown = model.Length > 100 ? model[..100] + "…" : model;
        if (!options.Routes.TryGetValue(model, out var route))
        {
            audit.Model = shown;
            await OpenAIErrors.InvalidRequest(context, 404, "model_not_found", $"The model '{shown}' does not exist or is not routed by this gateway (GET /v1/models lists them).").ConfigureAwait(false);
            return null;
        }
        audit.Model = model;
        if (audit.Key is { } key && !key.Allows(model))
        {
            await OpenAIErrors.WriteAsync(context, 403, "permission_error", "model_not_allowed", $"This key may not use the model '{shown}'.").ConfigureAwait(false);
            return null;
        }
        var upstream = options.Upstreams[route.Upstream];
        audit.Upstream = upstream.Name;
        if (api.Refuse(upstream, shown) is var (code, message))
        {
            await OpenAIErrors.InvalidRequest(context, 400, code, message).ConfigureAwait(false);
            return null;
        }
        return (route, upstream);
    }

    /// <summary>The excerpt audit.prompt-excerpt asks for, of the prompt as sent upstream.</summary>
    private static string? Excerpt(GatewayGuards guards, PromptExcerptMode mode, string? text) => text is null ? null : mode switch
    {
        PromptExcerptMode.Hashed => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
        PromptExcerptMode.Redacted => Truncate(guards.Scrub(text), 200),
        _ => null,
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    /// <summary>Streams carry usage only when asked (chat and legacy completions); the audit and token limits need it.</summary>
    internal static void AskForUsage(JsonObject body)
    {
        if (body["stream_options"] is not JsonObject streamOptions) body["stream_options"] = streamOptions = [];
        if (!streamOptions.ContainsKey("include_usage")) streamOptions["include_usage"] = true;
    }
}
