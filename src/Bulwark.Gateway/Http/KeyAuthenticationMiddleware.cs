using Bulwark.Gateway.Keys;
using Bulwark.Gateway.Redis;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Every API call needs an active virtual key, as <c>Authorization: Bearer bwk-…</c> (OpenAI SDKs) or
/// <c>x-api-key: bwk-…</c> (Anthropic SDKs); then <see cref="AccessPolicy"/> applies its and its team's budgets and
/// rate limits (429 with Retry-After). Once the request is done, the tokens the provider reported go to the key's and
/// team's allowances, whatever route used them. The presented key is never logged, audited or echoed: only the key's
/// public id is kept.
/// </summary>
public sealed class KeyAuthenticationMiddleware(RequestDelegate next, KeyStore keys, AccessPolicy access)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var key = PresentedKey(context.Request) is { } secret ? keys.Find(secret) : null;
        if (key is null)
        {
            await OpenAIErrors.WriteAsync(context, 401, "invalid_request_error", "invalid_api_key",
                "Missing or invalid API key: send 'Authorization: Bearer <key>' or 'x-api-key: <key>' with a key from 'bulwark keys create'.").ConfigureAwait(false);
            return;
        }
        var audit = RequestAudit.For(context);
        audit.Key = key;
        if (await access.AdmitAsync(key).ConfigureAwait(false) is { } denial)
        {
            await OpenAIErrors.WriteAsync(context, denial.Status, denial.Type, denial.Code, denial.Message, denial.RetryAfter).ConfigureAwait(false);
            return;
        }
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            // The shared vault could not mask the prompt (fail closed): nothing went upstream.
            await OpenAIErrors.WriteAsync(context, 503, "server_error", StoreUnavailableException.Code, e.Message).ConfigureAwait(false);
        }
        finally
        {
            // In finally: a client that hung up mid-stream still used the tokens the provider counted.
            if (audit.TotalTokens is { } tokens) await access.ChargeAsync(key, tokens).ConfigureAwait(false);
        }
    }

    /// <summary>The Bearer token, else the <c>x-api-key</c> header (what Anthropic SDKs send).</summary>
    private static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        return request.Headers.TryGetValue("x-api-key", out var apiKey) && apiKey.Count == 1 ? apiKey.ToString().Trim() : null;
    }
}
