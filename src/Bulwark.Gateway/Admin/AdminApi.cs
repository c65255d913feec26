using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Admin;

/// <summary>
/// The admin API under <c>/admin/</c>: keys and teams as JSON, behind <c>admin.credential</c>. Without a configured
/// credential it is not served at all (its routes are unknown routes: 404). Every call is audited like an API call.
/// </summary>
public static class AdminApi
{
    public static IServiceCollection AddAdminApi(this IServiceCollection services, GatewayOptions options)
    {
        if (options.AdminCredential is not { } credential) return services;
        services.AddSingleton(new AdminCredential(credential));
        services.AddSingleton<AdminKeysEndpoint>();
        services.AddSingleton<AdminTeamsEndpoint>();
        return services;
    }

    public static void MapAdminApi(this WebApplication app, GatewayOptions options)
    {
        if (options.AdminCredential is null) return;
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/admin"), admin => admin.UseMiddleware<AuditMiddleware>().UseMiddleware<AdminCredentialMiddleware>());

        var keys = app.MapGroup("/admin/keys");
        keys.MapPost("", (HttpContext c, AdminKeysEndpoint e) => e.CreateAsync(c));
        keys.MapGet("", (HttpContext c, AdminKeysEndpoint e) => e.ListAsync(c));
        keys.MapGet("/{id}", (HttpContext c, string id, AdminKeysEndpoint e) => e.GetAsync(c, id));
        keys.MapPatch("/{id}", (HttpContext c, string id, AdminKeysEndpoint e) => e.UpdateAsync(c, id));
        keys.MapDelete("/{id}", (HttpContext c, string id, AdminKeysEndpoint e) => e.RevokeAsync(c, id));
        keys.MapGet("/{id}/usage", (HttpContext c, string id, AdminKeysEndpoint e) => e.UsageAsync(c, id));

        var teams = app.MapGroup("/admin/teams");
        teams.MapPost("", (HttpContext c, AdminTeamsEndpoint e) => e.CreateAsync(c));
        teams.MapGet("", (HttpContext c, AdminTeamsEndpoint e) => e.ListAsync(c));
        teams.MapGet("/{name}", (HttpContext c, string name, AdminTeamsEndpoint e) => e.GetAsync(c, name));
        teams.MapPatch("/{name}", (HttpContext c, string name, AdminTeamsEndpoint e) => e.UpdateAsync(c, name));
        teams.MapDelete("/{name}", (HttpContext c, string name, AdminTeamsEndpoint e) => e.DeleteAsync(c, name));
        teams.MapGet("/{name}/usage", (HttpContext c, string name, AdminTeamsEndpoint e) => e.UsageAsync(c, name));
    }
}
