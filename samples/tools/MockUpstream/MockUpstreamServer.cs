using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Samples.MockUpstream;

/// <summary>
/// An OpenAI-compatible chat server with a scripted model (legacy completions, embeddings and the Responses API:
/// MockUpstreamServer.OpenAIApis.cs). It answers "You said: …" (echoing the last user or tool
/// message), and markers in the last message choose other behaviour:
/// <list type="bullet">
/// <item><c>[leak]</c> answers with a GitHub token in the text (output guards must catch it);</item>
/// <item><c>[repeat-system]</c> repeats the system prompt (and with it any canary);</item>
/// <item><c>[tool]</c> answers with a <c>lookup</c> tool call whose argument echoes the message;</item>
/// <item><c>[slow]</c> waits 10 s first; <c>[fail]</c> answers 500; <c>[garbage]</c> answers with non-JSON;</item>
/// <item><c>[cut]</c> (streaming) stops the stream halfway without <c>[DONE]</c>.</item>
/// <item>Faults for the gateway's resilience tests (chat completions), read from the last message or from the
/// request's <c>model</c> (so one route's upstream-model can fail while its fallback answers): <c>[reset]</c> aborts
/// the connection before any header; <c>[stall]</c> waits 10 s before any header; <c>[unavailable]</c> answers 503; <c>[rate-limited]</c> answers 429 with
/// Retry-After: 1; <c>[reset-mid]</c> sends half the answer (whole or streamed) and aborts the connection;
/// <c>[stall-mid]</c> sends half the answer and then nothing for 10 s.</item>
/// <item><c>[model-ms:N]</c> in the system message waits N ms (at most 10,000) before answering, as a model's
/// generation time would: load runs measure a gateway against an upstream that takes time, not only an instant one.</item>
/// </list>
/// Streams send the answer in 4-character chunks, so tokens and placeholders arrive split. Every request body is kept
/// in <see cref="Received"/> so tests can assert what reached the "model" (unless started with
/// <c>keepRequests: false</c>, as load runs do: a queue of every body would grow without bound). Anthropic's Messages
/// API is served beside it with the same markers (<see cref="MockAnthropicMessages"/>).
/// </summary>
public sealed partial class MockUpstreamServer : IAsyncDisposable
{
    public const string LeakedToken = "ghp_S07VVTg4YIfF8jgd8MNYMs0QsVShtRY3vhFE";
    public const string ModelName = "mock-model";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication _app;
    private readonly bool _keepRequests;

    private MockUpstreamServer(WebApplication app, bool keepRequests)
    {
        _app = app;
        _keepRequests = keepRequests;
    }

    public ConcurrentQueue<JsonObject> Received { get; } = new();

    public ConcurrentQueue<string> ReceivedAuthorization { get; } = new();

    /// <summary>Every request to the Anthropic route (<c>/v1/messages</c>, <see cref="MockAnthropicMessages"/>), with its headers.</summary>
    public ConcurrentQueue<MockAnthropicRequest> ReceivedMessages { get; } = new();

    /// <summary>The base URL an upstream config points at (ends in /v1).</summary>
    public string BaseUrl => _app.Urls.First() + "/v1";

    public static async Task<MockUpstreamServer> StartAsync(string url = "http://127.0.0.1:0", bool keepRequests = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new MockUpstreamServer(app, keepRequests);
        app.MapGet("/v1/models", () => Results.Json(new JsonObject { ["object"] = "list", ["data"] = new JsonArray(new JsonObject { ["id"] = ModelName, ["object"] = "model" }) }));
        app.MapPost("/v1/chat/completions", server.ChatAsync);
        server.MapOpenAIApis(app);
        app.MapPost("/v1/messages", new MockAnthropicMessages(server.ReceivedMessages).HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        return server;
    }

    public async Task WaitForShutdownAsync(CancellationToken cancellationToken) => await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private async Task ChatAsync(HttpContext context)
    {
        var request = await ReceiveAsync(context).ConfigureAwait(false);
        var messages = request["messages"]!.AsArray().OfType<JsonObject>().ToList();
        var last = messages.Last();
        var said = Text(last);
        var system = messages.Where(m => (string?)m["role"] is "system" or "developer").Select(Text).FirstOrDefault() ?? "";

        var faults = said + " " + (string?)request["model"];
        if (faults.Contains("[reset]", StringComparison.Ordinal))
        {
            context.Abort(); // before any header: the gateway sees the connection drop
            return;
        }
        if (faults.Contains("[stall]", StringComparison.Ordinal)) await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ConfigureAwait(false);
        if (faults.Contains("[unavailable]", StringComparison.Ordinal) || faults.Contains("[rate-limited]", StringComparison.Ordinal))
        {
            var limited = faults.Contains("[rate-limited]", StringComparison.Ordinal);
            context.Response.StatusCode = limited ? 429 : 503;
            context.Response.Headers.RetryAfter = "1";
            await context.Response.WriteAsJsonAsync(new { error = new { message = limited ? "slow down" : "the mock model is overloaded", type = limited ? "rate_limit_error" : "server_error" } }).ConfigureAwait(false);
            return;
        }
        var midway = faults.Contains("[reset-mid]", StringComparison.Ordinal) ? StreamBreak.Reset
            : faults.Contains("[stall-mid]", StringComparison.Ordinal) ? StreamBreak.Stall
            : said.Contains("[cut]", StringComparison.Ordinal) ? StreamBreak.Cut : StreamBreak.None;
        if (said.Contains("[slow]", StringComparison.Ordinal)) await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ConfigureAwait(false);
        if (ModelTime(system) is { } modelTime) await Task.Delay(modelTime, context.RequestAborted).ConfigureAwait(false);
        if (said.Contains("[fail]", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "the mock model failed", type = "server_error" } }).ConfigureAwait(false);
            return;
        }
        if (said.Contains("[garbage]", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("<html>not json</html>").ConfigureAwait(false);
            return;
        }

        var answer = said.Contains("[leak]", StringComparison.Ordinal) ? $"Sure. The deploy token is {LeakedToken} and it works everywhere."
            : said.Contains("[repeat-system]", StringComparison.Ordinal) ? $"My instructions are: {system}"
            : (string?)last["role"] == "tool" ? $"The tool said: {said}"
            : $"You said: {said}";
        var toolCall = said.Contains("[tool]", StringComparison.Ordinal);
        var promptTokens = messages.Sum(m => Text(m).Length) / 4 + 1;
        var completionTokens = answer.Length / 4 + 1;
        var usage = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens };
        var arguments = JsonSerializer.Serialize(new { query = said }, Relaxed); // models write "<" as is, not \u003C

        if ((bool?)request["stream"] == true)
        {
            var includeUsage = (bool?)request["stream_options"]?["include_usage"] == true;
            await StreamAsync(context, toolCall ? null : answer, toolCall ? arguments : null, includeUsage ? usage : null, midway).ConfigureAwait(false);
            return;
        }
        var message = toolCall
            ? new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(ToolCall(arguments)) }
            : new JsonObject { ["role"] = "assistant", ["content"] = answer };
        var whole = new JsonObject
        {
            ["id"] = "chatcmpl-mock",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = ModelName,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = toolCall ? "tool_calls" : "stop" }),
            ["usage"] = usage,
        };
        if (midway is StreamBreak.Reset or StreamBreak.Stall)
        {
            // Headers and half the body, then the fault: the gateway must not pass the half on.
            var json = whole.ToJsonString(Relaxed);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json[..(json.Length / 2)]).ConfigureAwait(false);
            await context.Response.Body.FlushAsync().ConfigureAwait(false);
            await BreakAsync(context, midway).ConfigureAwait(false);
            return;
        }
        await context.Response.WriteAsJsonAsync(whole).ConfigureAwait(false);
    }

    private enum StreamBreak
    {
        None,
        Cut,
        Reset,
        Stall,
    }

    private static async Task BreakAsync(HttpContext context, StreamBreak midway)
    {
        if (midway == StreamBreak.Reset)
        {
            // Give the client time to read what was sent: a reset discards data still unread in its socket buffer.
            await Task.Delay(TimeSpan.FromMilliseconds(300), context.RequestAborted).ConfigureAwait(false);
            context.Abort();
        }
        else await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task StreamAsync(HttpContext context, string? answer, string? toolArguments, JsonObject? usage, StreamBreak midway)
    {
        context.Response.ContentType = "text/event-stream";
        await Event(context, Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null)).ConfigureAwait(false);
        var text = answer ?? toolArguments!;
        var pieces = Enumerable.Range(0, (text.Length + 3) / 4).Select(i => text.Substring(i * 4, Math.Min(4, text.Length - i * 4))).ToList();
        for (var i = 0; i < pieces.Count; i++)
        {
            if (midway != StreamBreak.None && i == pieces.Count / 2)
            {
                if (midway != StreamBreak.Cut) await BreakAsync(context, midway).ConfigureAwait(false);
                return; // [cut]: the connection just ends: no finish_reason, no [DONE]
            }
            var delta = answer is not null ? new JsonObject { ["content"] = pieces[i] }
                : new JsonObject { ["tool_calls"] = new JsonArray(i == 0 ? ToolCall(pieces[i]) : new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = pieces[i] } }) };
            await Event(context, Chunk(delta, null)).ConfigureAwait(false);
        }
        await Event(context, Chunk(new JsonObject(), answer is not null ? "stop" : "tool_calls")).ConfigureAwait(false);
        if (usage is not null) await Event(context, new JsonObject { ["id"] = "chatcmpl-mock", ["object"] = "chat.completion.chunk", ["created"] = 1_700_000_000, ["model"] = ModelName, ["choices"] = new JsonArray(), ["usage"] = usage }).ConfigureAwait(false);
        await context.Response.WriteAsync("data: [DONE]\n\n").ConfigureAwait(false);
    }

    private static JsonObject ToolCall(string arguments) => new()
    {
        ["index"] = 0,
        ["id"] = "call_mock",
        ["type"] = "function",
        ["function"] = new JsonObject { ["name"] = "lookup", ["arguments"] = arguments },
    };

    private static JsonObject Chunk(JsonObject delta, string? finish) => new()
    {
        ["id"] = "chatcmpl-mock",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = ModelName,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };

    private static async Task Event(HttpContext context, JsonObject chunk)
    {
        await context.Response.WriteAsync("data: " + chunk.ToJsonString(Relaxed) + "\n\n").ConfigureAwait(false);
        await context.Response.Body.FlushAsync().ConfigureAwait(false);
    }

    private static string Text(JsonObject message) => message["content"] switch
    {
        JsonValue value => value.ToString(),
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => (string?)p["text"] ?? "")),
        _ => "",
    };

    /// <summary>The generation time a <c>[model-ms:N]</c> marker asks for, or null.</summary>
    private static TimeSpan? ModelTime(string system)
    {
        const string marker = "[model-ms:";
        var at = system.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var end = system.IndexOf(']', at);
        return end > at && int.TryParse(system.AsSpan(at + marker.Length, end - at - marker.Length), System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms is > 0 and <= 10_000
            ? TimeSpan.FromMilliseconds(ms) : null;
    }
}
