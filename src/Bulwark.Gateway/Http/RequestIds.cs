using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// Gives every API request an id unique across gateway instances and restarts (<c>req_</c> + a time-ordered UUIDv7),
/// sent back as <c>x-request-id</c> as OpenAI does. Kestrel's own trace identifiers restart with the process, so two
/// instances writing to one audit table could give two requests the same id; a client can now match what it was
/// answered with the audit record of that exact request.
/// </summary>
public static class RequestIds
{
    public const string Header = "x-request-id";

    public static string New() => "req_" + Guid.CreateVersion7().ToString("N");

    public static Task AssignAsync(HttpContext context, RequestDelegate next)
    {
        var id = context.TraceIdentifier = New();
        // Set as the headers leave: error writers clear the response, and the relays copy the upstream's headers.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        return next(context);
    }
}
