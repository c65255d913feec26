using System.Text.Json.Nodes;
using Bulwark.Gateway.Audit;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Redis;
using Bulwark.Gateway.Storage;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Http;

/// <summary>
/// <c>GET /readyz</c> for a load balancer: which shared stores are failing, and whether this instance should get
/// traffic. Failing closed it cannot serve, so it is not ready (503); failing open it still serves on local state, so
/// it stays ready and says it is degraded: taking every instance out of rotation over one shared store would turn a
/// store outage into a gateway outage, which is what the open rule exists to avoid.
/// </summary>
public static class Readiness
{
    public static IResult Check(GatewayDatabase database, AuditWriter audit, GatewayOptions options, IServiceProvider services)
    {
        var down = new JsonArray();
        if (audit.StoreFailing || !Answers(database)) down.Add("database");
        if (services.GetService(typeof(RedisStore)) is RedisStore { IsDown: true }) down.Add("redis");
        if (down.Count == 0) return Results.Json(new JsonObject { ["status"] = "ready" });
        return options.StoreFailure == StoreFailureMode.Open
            ? Results.Json(new JsonObject { ["status"] = "degraded", ["down"] = down })
            : Results.Json(new JsonObject { ["status"] = "unavailable", ["down"] = down }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static bool Answers(GatewayDatabase database)
    {
        try
        {
            database.SchemaVersion();
            return true;
        }
        catch (System.Data.Common.DbException)
        {
            return false;
        }
    }
}
