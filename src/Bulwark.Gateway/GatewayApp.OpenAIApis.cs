using Bulwark.Gateway.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway;

/// <summary>The OpenAI APIs beside chat completions: legacy completions, embeddings and the Responses API, each on <see cref="GuardedApiProxy"/>.</summary>
public static partial class GatewayApp
{
    /// <summary>What the deny-by-default 404 lists.</summary>
    private const string ServedRoutes = "POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings, POST /v1/responses and GET /v1/models";

    private static void AddOpenAIApis(IServiceCollection services)
    {
        services.AddSingleton<CompletionsEndpoint>();
        services.AddSingleton<EmbeddingsEndpoint>();
        services.AddSingleton<ResponsesRequestGuard>();
        services.AddSingleton<StreamingResponsesRelay>();
        services.AddSingleton<ResponsesEndpoint>();
    }

    private static void MapOpenAIApis(WebApplication app)
    {
        app.MapPost("/v1/completions", (HttpContext c, GuardedApiProxy proxy, CompletionsEndpoint api) => proxy.HandleAsync(c, api));
        app.MapPost("/v1/embeddings", (HttpContext c, GuardedApiProxy proxy, EmbeddingsEndpoint api) => proxy.HandleAsync(c, api));
        app.MapPost("/v1/responses", (HttpContext c, GuardedApiProxy proxy, ResponsesEndpoint api) => proxy.HandleAsync(c, api));
    }
}
