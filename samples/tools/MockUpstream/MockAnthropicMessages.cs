using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Samples.MockUpstream;

/// <summary>One request the mock's <c>/v1/messages</c> received: the body and the headers an Anthropic upstream needs.</summary>
public sealed record MockAnthropicRequest(JsonObject Body, string ApiKey, string AnthropicVersion, string Authorization);

/// <summary>
/// Anthropic's Messages API (<c>POST /v1/messages</c>) with the same scripted model as the chat route: it answers
/// "You said: …" (the last user turn's text, or "The tool said: …" for a <c>tool_result</c>), and the same markers
/// choose other behaviour: <c>[leak]</c> (a GitHub token in the text), <c>[repeat-system]</c> (the system prompt, and
/// with it any canary), <c>[tool]</c> (a text block, then a <c>lookup</c> <c>tool_use</c> block echoing the turn, or
/// the system prompt with <c>[repeat-system]</c>),
/// <c>[slow]</c>, <c>[fail]</c> (500), <c>[garbage]</c> (not JSON), <c>[cut]</c> (a stream that stops halfway, no
/// <c>message_stop</c>) and <c>[overloaded]</c> (a stream that ends with an <c>overloaded_error</c> event).
/// Like the real API it refuses a request without <c>x-api-key</c> (401) or <c>anthropic-version</c> or
/// <c>max_tokens</c> (400). Streams carry every event type (<c>message_start</c>, <c>content_block_start</c>,
/// <c>ping</c>, <c>content_block_delta</c> with <c>text_delta</c> / <c>input_json_delta</c>, <c>content_block_stop</c>,
/// <c>message_delta</c>, <c>message_stop</c>), text in 4-character deltas so tokens and placeholders arrive split.
/// </summary>
internal sealed class MockAnthropicMessages(ConcurrentQueue<MockAnthropicRequest> received)
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task HandleAsync(HttpContext context)
    {
        var request = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false))!;
        var headers = context.Request.Headers;
        received.Enqueue(new MockAnthropicRequest(request, headers["x-api-key"].ToString(), headers["anthropic-version"].ToString(), headers.Authorization.ToString()));
        if (string.IsNullOrEmpty(headers["x-api-key"])) { await ErrorAsync(context, 401, "authentication_error", "x-api-key header is required").ConfigureAwait(false); return; }
        if (string.IsNullOrEmpty(headers["anthropic-version"])) { await ErrorAsync(context, 400, "invalid_request_error", "anthropic-version: header is required").ConfigureAwait(false); return; }
        if (request["max_tokens"] is null) { await ErrorAsync(context, 400, "invalid_request_error", "max_tokens: Field required").ConfigureAwait(false); return; }

        var messages = request["messages"]!.AsArray().OfType<JsonObject>().ToList();
        var last = messages.Last();
        var toolResult = ToolResultText(last);
        var said = toolResult ?? Text(last["content"]);
        var system = Text(request["system"]);

        if (said.Contains("[slow]", StringComparison.Ordinal)) await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ConfigureAwait(false);
        if (said.Contains("[fail]", StringComparison.Ordinal)) { await ErrorAsync(context, 500, "api_error", "the mock model failed").ConfigureAwait(false); return; }
        if (said.Contains("[garbage]", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("<html>not json</html>").ConfigureAwait(false);
            return;
        }

        var answer = said.Contains("[leak]", StringComparison.Ordinal) ? $"Sure. The deploy token is {MockUpstreamServer.LeakedToken} and it works everywhere."
            : said.Contains("[repeat-system]", StringComparison.Ordinal) ? $"My instructions are: {system}"
            : toolResult is not null ? $"The tool said: {said}"
            : $"You said: {said}";
        var toolCall = said.Contains("[tool]", StringComparison.Ordinal);
        if (toolCall) answer = "Let me look that up.";
        var toolInput = new JsonObject { ["query"] = said.Contains("[repeat-system]", StringComparison.Ordinal) ? system : said };
        var inputTokens = messages.Sum(m => Text(m["content"]).Length) / 4 + 1;
        var outputTokens = answer.Length / 4 + (toolCall ? said.Length / 4 : 0) + 1;

        if ((bool?)request["stream"] == true)
        {
            var mode = said.Contains("[cut]", StringComparison.Ordinal) ? StreamEnd.Cut : said.Contains("[overloaded]", StringComparison.Ordinal) ? StreamEnd.Overloaded : StreamEnd.Normal;
            await StreamAsync(context, answer, toolCall ? toolInput : null, inputTokens, outputTokens, mode).ConfigureAwait(false);
            return;
        }
        var content = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = answer });
        if (toolCall) content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_mock", ["name"] = "lookup", ["input"] = toolInput });
        var message = Message(content, toolCall ? "tool_use" : "end_turn", inputTokens, outputTokens);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(message.ToJsonString(Relaxed)).ConfigureAwait(false);
    }

    private enum StreamEnd { Normal, Cut, Overloaded }

    private static async Task StreamAsync(HttpContext context, string answer, JsonObject? toolInput, int inputTokens, int outputTokens, StreamEnd end)
    {
        context.Response.ContentType = "text/event-stream";
        await Event(context, new JsonObject { ["type"] = "message_start", ["message"] = Message([], null, inputTokens, 1) }).ConfigureAwait(false);
        await Event(context, new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } }).ConfigureAwait(false);
        await Event(context, new JsonObject { ["type"] = "ping" }).ConfigureAwait(false);
        var pieces = Pieces(answer);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (end == StreamEnd.Cut && i == pieces.Count / 2) return; // the connection just ends: no stop events
            if (end == StreamEnd.Overloaded && i == pieces.Count / 2)
            {
                await Event(context, new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = "overloaded_error", ["message"] = "Overloaded" } }).ConfigureAwait(false);
                return;
            }
            await Event(context, Delta(0, new JsonObject { ["type"] = "text_delta", ["text"] = pieces[i] })).ConfigureAwait(false);
        }
        await Event(context, new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 }).ConfigureAwait(false);
        if (toolInput is not null)
        {
            var block = new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_mock", ["name"] = "lookup", ["input"] = new JsonObject() };
            await Event(context, new JsonObject { ["type"] = "content_block_start", ["index"] = 1, ["content_block"] = block }).ConfigureAwait(false);
            await Event(context, Delta(1, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = "" })).ConfigureAwait(false);
            foreach (var piece in Pieces(toolInput.ToJsonString(Relaxed)))
                await Event(context, Delta(1, new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = piece })).ConfigureAwait(false);
            await Event(context, new JsonObject { ["type"] = "content_block_stop", ["index"] = 1 }).ConfigureAwait(false);
        }
        var stop = new JsonObject { ["stop_reason"] = toolInput is null ? "end_turn" : "tool_use", ["stop_sequence"] = null };
        await Event(context, new JsonObject { ["type"] = "message_delta", ["delta"] = stop, ["usage"] = new JsonObject { ["output_tokens"] = outputTokens } }).ConfigureAwait(false);
        await Event(context, new JsonObject { ["type"] = "message_stop" }).ConfigureAwait(false);
    }

    private static JsonObject Message(JsonArray content, string? stopReason, int inputTokens, int outputTokens) => new()
    {
        ["id"] = "msg_mock",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = MockUpstreamServer.ModelName,
        ["content"] = content,
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = outputTokens },
    };

    private static JsonObject Delta(int index, JsonObject delta) => new() { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta };

    private static List<string> Pieces(string text) => Enumerable.Range(0, (text.Length + 3) / 4).Select(i => text.Substring(i * 4, Math.Min(4, text.Length - i * 4))).ToList();

    /// <summary>Named events as Anthropic sends them: the event name repeats the data's type.</summary>
    private static async Task Event(HttpContext context, JsonObject data)
    {
        await context.Response.WriteAsync($"event: {(string?)data["type"]}\ndata: {data.ToJsonString(Relaxed)}\n\n").ConfigureAwait(false);
        await context.Response.Body.FlushAsync().ConfigureAwait(false);
    }

    private static async Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message } }.ToJsonString(Relaxed)).ConfigureAwait(false);
    }

    /// <summary>The text of a content value: a string, or the text blocks of an array.</summary>
    private static string Text(JsonNode? content) => content switch
    {
        JsonValue value => value.ToString(),
        JsonArray blocks => string.Concat(blocks.OfType<JsonObject>().Where(b => (string?)b["type"] == "text").Select(b => (string?)b["text"] ?? "")),
        _ => "",
    };

    /// <summary>The text of the turn's last tool_result, or null when it has none.</summary>
    private static string? ToolResultText(JsonObject message) =>
        (message["content"] as JsonArray)?.OfType<JsonObject>().LastOrDefault(b => (string?)b["type"] == "tool_result") is { } result ? Text(result["content"]) : null;
}
