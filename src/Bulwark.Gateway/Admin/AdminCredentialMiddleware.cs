using Bulwark.Gateway.Http;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Admin;

/// <summary>
/// Every <c>/admin/</c> call needs <c>Authorization: Bearer &lt;admin credential&gt;</c>. Virtual keys do not work here,
/// and the admin credential does not work on <c>/v1</c> (it is no virtual key). Neither is logged or audited.
/// </summary>
public sealed class AdminCredentialMiddleware(RequestDelegate next, AdminCredential credential)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !credential.Matches(header[7..].Trim()))
        {
            await OpenAIErrors.WriteAsync(context, 401, "invalid_request_error", "invalid_admin_credential",
                "Missing or invalid admin credential: send 'Authorization: Bearer <the value of admin.credential>'. Virtual keys do not work on /admin.").ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }
}
