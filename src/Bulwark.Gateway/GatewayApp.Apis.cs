using Bulwark.Gateway.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway;

/// <summary>
/// The guarded model APIs, each an <see cref="IGuardedApi"/> on <see cref="GuardedApiProxy"/>: OpenAI's chat
/// completions, legacy completions, embeddings and Responses API, and Anthropic's Messages API.
/// </summary>
public static partial class GatewayApp
{
    /// <summary>What the deny-by-default 404 lists.</summary>
    private const string ServedRoutes = "POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings, POST /v1/responses, POST /v1/messages (Anthropic) and GET /v1/models";

    private static void AddApis(IServiceCollection services)
    {
        services.AddSingleton<GuardedApiProxy>();
        services.AddSingleton<AnswerRelay>();
        services.AddSingleton<StreamingChoicesRelay>();
        services.AddSingleton<ChatRequestGuard>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<CompletionsEndpoint>();
        services.AddSingleton<EmbeddingsEndpoint>();
        services.AddSingleton<ResponsesRequestGuard>();
        services.AddSingleton<StreamingResponsesRelay>();
        services.AddSingleton<ResponsesEndpoint>();
        services.AddSingleton<AnthropicRequestGuard>();
        services.AddSingleton<AnthropicAnswerRelay>();
        services.AddSingleton<AnthropicStreamRelay>();
        services.AddSingleton<AnthropicMessagesEndpoint>();
    }

    private static void MapApis(WebApplication app)
    {
        app.MapPost("/v1/chat/completions", (HttpContext c, GuardedApiProxy proxy, ChatCompletionsEndpoint api) => proxy.HandleAsync(c, api));
        app.MapPost("/v1/completions", (HttpContext c, GuardedApiProxy proxy, CompletionsEndpoint api) => proxy.HandleAsync(c, api));
        app.MapPost("/v1/embeddings", (HttpContext c, GuardedApiProxy proxy, EmbeddingsEndpoint api) => proxy.HandleAsync(c, api));
        app.MapPost("/v1/responses", (HttpContext c, GuardedApiProxy proxy, ResponsesEndpoint api) => proxy.HandleAsync(c, api));
        app.MapPost("/v1/messages", (HttpContext c, GuardedApiProxy proxy, AnthropicMessagesEndpoint api) => proxy.HandleAsync(c, api));
    }
}
