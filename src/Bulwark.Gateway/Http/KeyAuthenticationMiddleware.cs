using Bulwark.Gateway.Keys;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Every API call needs <c>Authorization: Bearer bwk-…</c>, an active virtual key; then <see cref="AccessPolicy"/>
/// applies its and its team's budgets and rate limits (429 with Retry-After). Once the request is done, the tokens
/// the provider reported go to the key's and team's allowances, whatever route used them. The presented key is never
/// logged, audited or echoed: only the key's public id is kept.
/// </summary>
public sealed class KeyAuthenticationMiddleware(RequestDelegate next, KeyStore keys, AccessPolicy access)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? keys.Find(header[7..].Trim()) : null;
        if (key is null)
        {
            await OpenAIErrors.WriteAsync(context, 401, "invalid_request_error", "invalid_api_key",
                "Missing or invalid API key: send 'Authorization: Bearer <key>' with a key from 'bulwark keys create'.").ConfigureAwait(false);
            return;
        }
        var audit = RequestAudit.For(context);
        audit.Key = key;
        if (access.Admit(key) is { } denial)
        {
            await OpenAIErrors.WriteAsync(context, denial.Status, denial.Type, denial.Code, denial.Message, denial.RetryAfter).ConfigureAwait(false);
            return;
        }
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            // In finally: a client that hung up mid-stream still used the tokens the provider counted.
            if (audit.TotalTokens is { } tokens) access.Charge(key, tokens);
        }
    }
}
