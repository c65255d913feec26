using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Keys;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Every API call needs an active virtual key, as <c>Authorization: Bearer bwk-…</c> (OpenAI SDKs) or
/// <c>x-api-key: bwk-…</c> (Anthropic SDKs); then its rate limits apply
/// (429 with Retry-After). The presented key is never logged, audited or echoed: only the key's public id is kept.
/// </summary>
public sealed class KeyAuthenticationMiddleware(RequestDelegate next, KeyStore keys, KeyRateLimiter limiter, GatewayOptions options)
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
        RequestAudit.For(context).Key = key;
        if (!limiter.TryAcquire(key.Id, key.RequestsPerMinute ?? options.Limits.DefaultRequestsPerMinute, key.TokensPerMinute, out var retryAfter))
        {
            await OpenAIErrors.WriteAsync(context, 429, "rate_limit_error", "rate_limit_exceeded",
                $"Rate limit reached for key {key.Id}; retry after {Math.Ceiling(retryAfter.TotalSeconds):0} s.", retryAfter).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    /// <summary>The Bearer token, else the <c>x-api-key</c> header (what Anthropic SDKs send).</summary>
    private static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        return request.Headers.TryGetValue("x-api-key", out var apiKey) && apiKey.Count == 1 ? apiKey.ToString().Trim() : null;
    }
}
