using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary><c>GET /v1/models</c>: the configured models this key may use, in OpenAI's list shape.</summary>
public sealed class ModelsEndpoint(GatewayOptions options)
{
    public IResult Handle(HttpContext context)
    {
        var key = RequestAudit.For(context).Key;
        var models = options.Routes.Values.Where(r => key?.Allows(r.Model) ?? false).OrderBy(r => r.Model, StringComparer.Ordinal)
            .Select(r => (JsonNode)new JsonObject { ["id"] = r.Model, ["object"] = "model", ["created"] = 0, ["owned_by"] = r.Upstream });
        return Results.Json(new JsonObject { ["object"] = "list", ["data"] = new JsonArray([.. models]) });
    }
}
