using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Kernel.Guards;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// A streamed chat completion (<c>stream: true</c>) on its way back. The upstream's SSE chunks are parsed; each
/// choice's content deltas go through its <see cref="ChoiceRelay"/> (output guards with a bounded hold-back, then
/// placeholder restoring) and are re-emitted in the upstream's chunk envelope. A Block ends the stream with an
/// OpenAI-style error event and <c>[DONE]</c>; so does an upstream that breaks off. Text is never passed unguarded.
/// </summary>
public sealed class StreamingChatRelay(GatewayOptions options)
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task WriteAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedChatRequest request)
    {
        var audit = RequestAudit.For(context);
        using var body = await UpstreamFailure.OpenAnswerAsync(context, response, upstream, options.Limits.UpstreamTimeout).ConfigureAwait(false);
        if (body is null) return;

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no"; // proxies in front must not buffer the stream

        var stream = new StreamState(request.Guards, request, options.Guards.StreamHoldBack);
        var reader = new SseReader(body);
        string? data;
        try
        {
            while ((data = await reader.NextAsync().ConfigureAwait(false)) is not null && data != "[DONE]")
            {
                if (ParseObject(data) is not { } chunk)
                {
                    await EndWithErrorAsync(context, stream, "upstream_error", "upstream_invalid_response", $"The upstream '{upstream.Name}' sent an event that is not a chat completion chunk.").ConfigureAwait(false);
                    return;
                }
                if (chunk["error"] is JsonObject)
                {
                    await EndWithErrorAsync(context, stream, "upstream_error", "upstream_error", $"The upstream '{upstream.Name}' reported an error mid-stream.").ConfigureAwait(false);
                    return;
                }
                ChatAnswerRelay.TakeUsage(audit, chunk["usage"]);
                stream.Remember(chunk);
                if (!await RelayChunkAsync(context, stream, chunk, audit).ConfigureAwait(false)) return;
            }
        }
        catch (Exception e) when (e is UpstreamIdleTimeoutException or InvalidDataException or IOException or HttpRequestException)
        {
            var code = e is UpstreamIdleTimeoutException ? "upstream_timeout" : "upstream_failed";
            await EndWithErrorAsync(context, stream, "upstream_error", code, $"The stream from upstream '{upstream.Name}' broke off ({(e is UpstreamIdleTimeoutException ? "no data in time" : "read failed")}).").ConfigureAwait(false);
            return;
        }

        // Choices the upstream never finished still hold guarded text back: release it before the end.
        if (!await FlushUnfinishedAsync(context, stream, audit).ConfigureAwait(false)) return;
        if (data is null)
        {
            await EndWithErrorAsync(context, stream, "upstream_error", "upstream_incomplete", $"The stream from upstream '{upstream.Name}' ended without [DONE].").ConfigureAwait(false);
            return;
        }
        await context.Response.Body.WriteAsync(Done, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Guards and restores one chunk's deltas and writes what may be released; false when a Block ended the stream.</summary>
    private static async Task<bool> RelayChunkAsync(HttpContext context, StreamState stream, JsonObject chunk, RequestAudit audit)
    {
        if (chunk["choices"] is not JsonArray choices || choices.Count == 0)
        {
            await WriteEventAsync(context, chunk).ConfigureAwait(false); // the usage chunk, or other metadata
            return true;
        }
        foreach (var choice in choices.OfType<JsonObject>().ToList())
        {
            var relay = stream.Choice((int)(choice["index"].AsLong() ?? 0));
            var delta = choice["delta"] as JsonObject;
            var released = new StringBuilder();
            if (delta?["content"].AsString() is { } text) released.Append(relay.PushContent(text));
            foreach (var call in (delta?["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (call["function"] is JsonObject function && function["arguments"].AsString() is { } fragment)
                    function["arguments"] = relay.PushArguments((int)(call["index"].AsLong() ?? 0), fragment);
            }
            if (choice["finish_reason"].AsString() is not null && !relay.Finished)
            {
                var (rest, arguments) = relay.Finish();
                released.Append(rest);
                if (arguments.Count > 0 && delta is not null) AppendArguments(delta, arguments);
            }
            audit.Guards.Add(relay.NewRedactions(), GuardAction.Redact);
            if (relay.Blocked is { } verdict)
            {
                await EndWithBlockAsync(context, stream, verdict, audit).ConfigureAwait(false);
                return false;
            }
            if (delta is not null)
            {
                if (released.Length > 0) delta["content"] = released.ToString();
                else if (delta.ContainsKey("content") && delta["content"] is not null) delta.Remove("content");
            }
            var keep = choice["finish_reason"] is not null || choice["logprobs"] is JsonObject || delta is { Count: > 0 };
            if (!keep) choices.Remove(choice);
        }
        if (choices.Count > 0 || chunk["usage"] is JsonObject) await WriteEventAsync(context, chunk).ConfigureAwait(false);
        return true;
    }

    private static async Task<bool> FlushUnfinishedAsync(HttpContext context, StreamState stream, RequestAudit audit)
    {
        foreach (var (index, relay) in stream.Unfinished())
        {
            var (rest, arguments) = relay.Finish();
            audit.Guards.Add(relay.NewRedactions(), GuardAction.Redact);
            if (relay.Blocked is { } verdict)
            {
                await EndWithBlockAsync(context, stream, verdict, audit).ConfigureAwait(false);
                return false;
            }
            if (rest.Length == 0 && arguments.Count == 0) continue;
            var delta = new JsonObject();
            if (rest.Length > 0) delta["content"] = rest;
            if (arguments.Count > 0) AppendArguments(delta, arguments);
            var chunk = stream.Envelope();
            chunk["choices"] = new JsonArray(new JsonObject { ["index"] = index, ["delta"] = delta, ["finish_reason"] = null });
            await WriteEventAsync(context, chunk).ConfigureAwait(false);
        }
        return true;
    }

    private static void AppendArguments(JsonObject delta, IReadOnlyList<(int ToolCall, string Arguments)> arguments)
    {
        if (delta["tool_calls"] is not JsonArray calls) delta["tool_calls"] = calls = [];
        foreach (var (toolCall, text) in arguments) calls.Add(new JsonObject { ["index"] = toolCall, ["function"] = new JsonObject { ["arguments"] = text } });
    }

    private static async Task EndWithBlockAsync(HttpContext context, StreamState stream, Verdict verdict, RequestAudit audit)
    {
        audit.Guards.Add(verdict);
        var (rule, reason) = GuardFindings.BlockReason(verdict);
        await EndWithErrorAsync(context, stream, OpenAIErrors.GuardType, rule, $"Bulwark stopped the model's answer: {reason} (rule {rule}, output guard).").ConfigureAwait(false);
    }

    /// <summary>Ends the stream as OpenAI does on a mid-stream failure: one <c>{"error": …}</c> event, then [DONE].</summary>
    private static async Task EndWithErrorAsync(HttpContext context, StreamState stream, string type, string code, string message)
    {
        RequestAudit.For(context).Error = code;
        var output = context.Response.Body;
        await output.WriteAsync("data: "u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        await output.WriteAsync(OpenAIErrors.Body(type, code, message), context.RequestAborted).ConfigureAwait(false);
        await output.WriteAsync("\n\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        await output.WriteAsync(Done, context.RequestAborted).ConfigureAwait(false);
        await output.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteEventAsync(HttpContext context, JsonObject chunk)
    {
        var output = context.Response.Body;
        await output.WriteAsync("data: "u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        await output.WriteAsync(GatewayJson.Bytes(chunk), context.RequestAborted).ConfigureAwait(false);
        await output.WriteAsync("\n\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
        await output.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static JsonObject? ParseObject(string data)
    {
        try
        {
            return JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The choices of one stream and the last chunk's envelope (id, model, created) for chunks the gateway adds.</summary>
    private sealed class StreamState(GatewayGuards guards, GuardedChatRequest request, int holdBack)
    {
        private readonly SortedDictionary<int, ChoiceRelay> _choices = [];
        private JsonObject _envelope = new() { ["object"] = "chat.completion.chunk" };

        public ChoiceRelay Choice(int index)
        {
            if (!_choices.TryGetValue(index, out var relay))
                _choices[index] = relay = new ChoiceRelay(guards.Pipelines.Output, request.OutputContext, request.Pseudonymizer, holdBack);
            return relay;
        }

        public List<(int Index, ChoiceRelay Relay)> Unfinished() => _choices.Where(c => !c.Value.Finished).Select(c => (c.Key, c.Value)).ToList();

        public void Remember(JsonObject chunk)
        {
            var envelope = new JsonObject();
            foreach (var name in (string[])["id", "object", "created", "model", "system_fingerprint"])
            {
                if (chunk[name] is { } value) envelope[name] = value.DeepClone();
            }
            _envelope = envelope;
        }

        public JsonObject Envelope() => (JsonObject)_envelope.DeepClone();
    }
}
