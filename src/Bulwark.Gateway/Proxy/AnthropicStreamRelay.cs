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
/// A streamed Anthropic message (<c>stream: true</c>) on its way back, event by event. Text and thinking deltas of
/// each content block go through a <see cref="ChoiceRelay"/> (output guards over a bounded hold-back, then placeholders
/// restored); a tool call's <c>input_json_delta</c> fragments are held until its block stops, then guarded value by
/// value (<see cref="AnthropicContentGuard"/>) and sent as one fragment. A Block, an upstream error or a broken stream
/// ends it with one <c>event: error</c>. Events and deltas the gateway cannot guard end it too: never a silent bypass.
/// </summary>
public sealed class AnthropicStreamRelay(GatewayOptions options)
{
    /// <summary>A tool call's input is held whole until its block stops; this bounds what one may hold.</summary>
    private const int MaxToolInputChars = 1024 * 1024;

    public async Task WriteAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request)
    {
        var audit = RequestAudit.For(context);
        using var body = await UpstreamFailure.OpenStreamAsync(context, response, upstream, options.Limits.UpstreamTimeout).ConfigureAwait(false);
        if (body is null) return;

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no"; // proxies in front must not buffer the stream

        var stream = new MessageStream(context, audit, upstream, new AnthropicContentGuard(request, audit.Guards, context.RequestAborted),
            () => new ChoiceRelay(request.Guards.Pipelines.Output, request.OutputContext, request.Pseudonymizer, options.Guards.StreamHoldBack));
        var reader = new SseReader(body);
        try
        {
            while (!stream.Ended && await reader.NextAsync().ConfigureAwait(false) is { } data)
            {
                if (ParseObject(data) is not { } message || message["type"].AsString() is not { } type)
                {
                    await stream.FailAsync("upstream_invalid_response", $"The upstream '{upstream.Name}' sent an event that is not a Messages API event.").ConfigureAwait(false);
                    return;
                }
                await stream.RelayAsync(type, message).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is UpstreamIdleTimeoutException or InvalidDataException or IOException or HttpRequestException)
        {
            var timedOut = e is UpstreamIdleTimeoutException;
            await stream.FailAsync(timedOut ? "upstream_timeout" : "upstream_failed", $"The stream from upstream '{upstream.Name}' broke off ({(timedOut ? "no data in time" : "read failed")}).").ConfigureAwait(false);
            return;
        }
        if (!stream.Ended) await stream.FailAsync("upstream_incomplete", $"The stream from upstream '{upstream.Name}' ended without message_stop.").ConfigureAwait(false);
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

    /// <summary>One stream's content blocks by index and how it ended (message_stop, or an error event).</summary>
    private sealed class MessageStream(HttpContext context, RequestAudit audit, UpstreamOptions upstream, AnthropicContentGuard toolGuard, Func<ChoiceRelay> newTextRelay)
    {
        private readonly Dictionary<int, Block> _blocks = [];
        private readonly AnthropicUsage _usage = new();

        public bool Ended { get; private set; }

        public async Task RelayAsync(string type, JsonObject message)
        {
            switch (type)
            {
                case "ping":
                    await WriteAsync(type, message).ConfigureAwait(false);
                    break;
                case "message_start":
                    _usage.Take(audit, message["message"]?["usage"]);
                    if (message["message"] is JsonObject started) AnswerRelay.TakeModel(audit, started);
                    // The skeleton's content is empty in practice; whatever it holds is guarded whole.
                    foreach (var block in (message["message"]?["content"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        if (!toolGuard.Apply(block)) { await BlockedAsync(toolGuard.Blocked!).ConfigureAwait(false); return; }
                    }
                    await WriteAsync(type, message).ConfigureAwait(false);
                    break;
                case "content_block_start":
                    await StartBlockAsync(message).ConfigureAwait(false);
                    break;
                case "content_block_delta":
                    await DeltaAsync(message).ConfigureAwait(false);
                    break;
                case "content_block_stop":
                    if (Index(message) is { } stopped && _blocks.TryGetValue(stopped, out var ending)) await StopBlockAsync(stopped, ending).ConfigureAwait(false);
                    else await FailAsync("upstream_invalid_response", $"The upstream '{upstream.Name}' stopped a content block it never started.").ConfigureAwait(false);
                    break;
                case "message_delta":
                    if (!await StopOpenBlocksAsync().ConfigureAwait(false)) return;
                    _usage.Take(audit, message["usage"]);
                    await WriteAsync(type, message).ConfigureAwait(false);
                    break;
                case "message_stop":
                    if (!await StopOpenBlocksAsync().ConfigureAwait(false)) return;
                    await WriteAsync(type, message).ConfigureAwait(false);
                    Ended = true;
                    break;
                case "error":
                    var upstreamType = message["error"]?["type"].AsString() is { Length: > 0 and <= 64 } t && t.All(c => char.IsAsciiLetterLower(c) || c == '_') ? t : "api_error";
                    await EndAsync(upstreamType, "upstream_error", $"The upstream '{upstream.Name}' reported an error mid-stream ({upstreamType}).").ConfigureAwait(false);
                    break;
                default:
                    await FailAsync("upstream_unsupported_event", $"The upstream '{upstream.Name}' sent a '{Shown(type)}' event, which the gateway cannot guard; the stream was stopped.").ConfigureAwait(false);
                    break;
            }
        }

        private async Task StartBlockAsync(JsonObject message)
        {
            if (Index(message) is not { } index || message["content_block"] is not JsonObject content || _blocks.ContainsKey(index))
            {
                await FailAsync("upstream_invalid_response", $"The upstream '{upstream.Name}' sent a content_block_start without a new index and block.").ConfigureAwait(false);
                return;
            }
            var kind = content["type"].AsString();
            var block = new Block(kind switch
            {
                "text" => "text",
                "thinking" => "thinking",
                _ => null,
            }, kind is "tool_use" or "server_tool_use");
            _blocks[index] = block;
            if (block.TextField is { } field)
            {
                // Text a start event already carries (empty in practice) goes through the relay like any delta.
                block.Relay = newTextRelay();
                var initial = content[field].AsString() ?? "";
                content[field] = "";
                await WriteAsync("content_block_start", message).ConfigureAwait(false);
                if (initial.Length > 0) await PushTextAsync(index, block, initial).ConfigureAwait(false);
                return;
            }
            if (block.IsToolCall && content["input"] is JsonObject { Count: > 0 } && !toolGuard.ToolInput(content["input"]))
            {
                await BlockedAsync(toolGuard.Blocked!).ConfigureAwait(false);
                return;
            }
            await WriteAsync("content_block_start", message).ConfigureAwait(false);
        }

        private async Task DeltaAsync(JsonObject message)
        {
            if (Index(message) is not { } index || !_blocks.TryGetValue(index, out var block) || block.Stopped || message["delta"] is not JsonObject delta)
            {
                await FailAsync("upstream_invalid_response", $"The upstream '{upstream.Name}' sent a content_block_delta for no open block.").ConfigureAwait(false);
                return;
            }
            var deltaType = delta["type"].AsString();
            switch (deltaType)
            {
                case "text_delta" or "thinking_delta" when block.TextField is { } field && deltaType == field + "_delta":
                    await PushTextAsync(index, block, delta[field].AsString() ?? "").ConfigureAwait(false);
                    break;
                case "input_json_delta" when block.IsToolCall:
                    block.ToolInput.Append(delta["partial_json"].AsString());
                    if (block.ToolInput.Length > MaxToolInputChars)
                        await FailAsync("upstream_tool_input_too_large", $"A tool call's input from upstream '{upstream.Name}' is over the gateway's {MaxToolInputChars:N0}-character bound.").ConfigureAwait(false);
                    break;
                case "signature_delta" or "citations_delta":
                    await WriteAsync("content_block_delta", message).ConfigureAwait(false); // a thinking block's signature; a citation of the client's own document
                    break;
                default:
                    await FailAsync("upstream_unsupported_event", $"The upstream '{upstream.Name}' sent a '{Shown(deltaType ?? "?")}' delta, which the gateway cannot guard; the stream was stopped.").ConfigureAwait(false);
                    break;
            }
        }

        /// <summary>Pushes text through the block's relay and sends what it releases as one delta of the block's kind.</summary>
        private async Task PushTextAsync(int index, Block block, string text)
        {
            var released = block.Relay!.PushContent(text);
            audit.Guards.Add(block.Relay.NewRedactions(), GuardAction.Redact);
            if (block.Relay.Blocked is { } verdict)
            {
                await BlockedAsync(verdict).ConfigureAwait(false);
                return;
            }
            if (released.Length > 0) await WriteTextDeltaAsync(index, block, released).ConfigureAwait(false);
        }

        private async Task StopBlockAsync(int index, Block block)
        {
            block.Stopped = true;
            if (block.Relay is { } relay)
            {
                var (rest, _) = relay.Finish();
                audit.Guards.Add(relay.NewRedactions(), GuardAction.Redact);
                if (relay.Blocked is { } verdict)
                {
                    await BlockedAsync(verdict).ConfigureAwait(false);
                    return;
                }
                if (rest.Length > 0) await WriteTextDeltaAsync(index, block, rest).ConfigureAwait(false);
            }
            else if (block.IsToolCall && block.ToolInput.Length > 0)
            {
                if (ParseObject(block.ToolInput.ToString()) is not { } input)
                {
                    await FailAsync("upstream_invalid_response", $"A tool call's input from upstream '{upstream.Name}' is not a JSON object.").ConfigureAwait(false);
                    return;
                }
                if (!toolGuard.ToolInput(input))
                {
                    await BlockedAsync(toolGuard.Blocked!).ConfigureAwait(false);
                    return;
                }
                var delta = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = input.ToJsonString(GatewayJson.Options) };
                await WriteAsync("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta }).ConfigureAwait(false);
            }
            if (!Ended) await WriteAsync("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index }).ConfigureAwait(false);
        }

        /// <summary>Blocks the upstream left open still hold text back: guard and release it (or block) before the end.</summary>
        private async Task<bool> StopOpenBlocksAsync()
        {
            foreach (var (index, block) in _blocks.Where(b => !b.Value.Stopped).OrderBy(b => b.Key).ToList())
            {
                await StopBlockAsync(index, block).ConfigureAwait(false);
                if (Ended) return false;
            }
            return true;
        }

        private Task WriteTextDeltaAsync(int index, Block block, string text) =>
            WriteAsync("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = index,
                ["delta"] = new JsonObject { ["type"] = block.TextField + "_delta", [block.TextField!] = text },
            });

        private Task BlockedAsync(Verdict verdict)
        {
            audit.Guards.Add(verdict);
            var (rule, reason) = GuardFindings.BlockReason(verdict);
            return EndAsync(AnthropicErrors.InvalidRequest, rule, $"Bulwark stopped the model's answer: {reason} (rule {rule}, output guard).", rule);
        }

        public Task FailAsync(string code, string message) => EndAsync("api_error", code, message);

        /// <summary>Ends the stream as Anthropic does on a mid-stream failure: one <c>event: error</c>, nothing after it.</summary>
        private async Task EndAsync(string type, string code, string message, string? rule = null)
        {
            audit.Error = code;
            Ended = true;
            await WriteRawAsync("error", AnthropicErrors.Body(type, code, message, rule)).ConfigureAwait(false);
        }

        private Task WriteAsync(string name, JsonObject data) => Ended ? Task.CompletedTask : WriteRawAsync(name, GatewayJson.Bytes(data));

        private async Task WriteRawAsync(string name, byte[] data)
        {
            var output = context.Response.Body;
            await output.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: "), context.RequestAborted).ConfigureAwait(false);
            await output.WriteAsync(data, context.RequestAborted).ConfigureAwait(false);
            await output.WriteAsync("\n\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
            await output.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }

        private static int? Index(JsonObject message) => message["index"].AsLong() is { } index and >= 0 and <= int.MaxValue ? (int)index : null;

        private static string Shown(string text) => text.Length > 40 ? text[..40] + "…" : text;
    }

    /// <summary>One content block: a text or thinking relay, a tool call's input being gathered, or a block passed whole.</summary>
    private sealed class Block(string? textField, bool isToolCall)
    {
        public string? TextField { get; } = textField;
        public bool IsToolCall { get; } = isToolCall;
        public ChoiceRelay? Relay { get; set; }
        public StringBuilder ToolInput { get; } = new();
        public bool Stopped { get; set; }
    }
}
