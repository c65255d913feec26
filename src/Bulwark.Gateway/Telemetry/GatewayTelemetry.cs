using System.Diagnostics;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Telemetry;

/// <summary>
/// The gateway's trace source and meter names, and the attribute names it writes: the OpenTelemetry GenAI semantic
/// conventions (<c>gen_ai.*</c>, <c>server.*</c>, <c>error.type</c>) plus Bulwark's own (<c>bulwark.*</c>).
/// </summary>
public static class GatewayTelemetry
{
    public const string Name = "Bulwark.Gateway";

    /// <summary>One span per API request (named <c>{gen_ai.operation.name} {gen_ai.request.model}</c>), one per guard run.</summary>
    public static readonly ActivitySource Source = new(Name, typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString());

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";

    /// <summary>The pre-1.37 name of <see cref="ProviderName"/>, still read by many backends: spans carry both.</summary>
    public const string System = "gen_ai.system";

    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string TokenType = "gen_ai.token.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ErrorType = "error.type";
    public const string HttpRoute = "http.route";
    public const string HttpStatus = "http.response.status_code";
    public const string Verdict = "bulwark.verdict";
    public const string Rules = "bulwark.rules";
    public const string Rule = "bulwark.rule";
    public const string KeyId = "bulwark.key_id";
    public const string Team = "bulwark.team";
    public const string RequestId = "bulwark.request_id";
    public const string Stream = "bulwark.stream";
    public const string Upstream = "bulwark.upstream";
    public const string UpstreamAttempts = "bulwark.upstream.attempts";
    public const string GuardStage = "bulwark.guard.stage";

    /// <summary>
    /// The GenAI operation an API path performs (<c>chat</c>, <c>text_completion</c>, <c>embeddings</c>), or null for
    /// routes that are not one (<c>/v1/models</c>, unknown paths). New endpoints add their path here.
    /// </summary>
    public static string? OperationFor(string path) => path switch
    {
        "/v1/chat/completions" or "/v1/messages" or "/v1/responses" => "chat",
        "/v1/completions" => "text_completion",
        "/v1/embeddings" => "embeddings",
        _ => null,
    };

    /// <summary>
    /// <c>gen_ai.provider.name</c> for an upstream kind. OpenAI-compatible servers (vLLM, Ollama) are <c>openai</c>: the
    /// conventions name the API the client speaks when the model's real maker is unknown.
    /// </summary>
    public static string ProviderFor(UpstreamKind kind) => kind switch
    {
        UpstreamKind.AzureOpenAI => "azure.ai.openai",
        UpstreamKind.Anthropic => "anthropic",
        _ => "openai",
    };
}
