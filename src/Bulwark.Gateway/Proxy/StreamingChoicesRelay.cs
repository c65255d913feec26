using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Kernel.Guards;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// A streamed answer whose chunks carry <c>choices[]</c> (<c>stream: true</c> on chat completions and legacy
/// completions) on its way back. The upstream's SSE chunks are parsed; each choice's text deltas go through its
/// <see cref="ChoiceRelay"/> (output guards with a bounded hold-back, then placeholder restoring) and are re-emitted
/// in the upstream's chunk envelope. A Block ends the stream with an OpenAI-style error event and <c>[DONE]</c>; so
/// does an upstream that breaks off (what was held back is then dropped). Text is never passed unguarded.
/// </summary>
public sealed class StreamingChoicesRelay(GatewayOptions options)
{
    internal async Task WriteAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request, ChoiceStreamFormat format)
    {
        var audit = RequestAudit.For(context);
        using var body = await UpstreamFailure.OpenStreamAsync(context, response, upstream, options.Limits.UpstreamTimeout).ConfigureAwait(false);
        if (body is null) return;
        SseWriter.Start(context);

        var stream = new StreamState(request, options.Guards.StreamHoldBack, format);
        var reader = new SseReader(body);
        string? data;
        try
        {
            while ((data = await reader.NextAsync().ConfigureAwait(false)) is not null && data != "[DONE]")
            {
                if (AnswerRelay.ParseObject(Encoding.UTF8.GetBytes(data)) is not { } chunk)
                {
                    await EndWithErrorAsync(context, "upstream_error", "upstream_invalid_response", $"The upstream '{upstream.Name}' sent an event that is not {format.ChunkName}.").ConfigureAwait(false);
                    return;
                }
                if (chunk["error"] is JsonObject)
                {
                    await EndWithErrorAsync(context, "upstream_error", "upstream_error", $"The upstream '{upstream.Name}' reported an error mid-stream.").ConfigureAwait(false);
                    return;
                }
                AnswerRelay.TakeUsage(audit, chunk["usage"]);
                AnswerRelay.TakeModel(audit, chunk);
                stream.Remember(chunk);
                if (!await RelayChunkAsync(context, stream, chunk, audit).ConfigureAwait(false)) return;
            }
        }
        catch (Exception e) when (e is UpstreamIdleTimeoutException or InvalidDataException or IOException or HttpRequestException)
        {
            var code = e is UpstreamIdleTimeoutException ? "upstream_timeout" : "upstream_failed";
            await EndWithErrorAsync(context, "upstream_error", code, $"The stream from upstream '{upstream.Name}' broke off ({(e is UpstreamIdleTimeoutException ? "no data in time" : "read failed")}).").ConfigureAwait(false);
            return;
        }

        if (data is null)
        {
            // Cut off mid-answer: the held-back text is dropped, not released. A secret cut in half no longer matches
            // its rule, so the guards could not vouch for what was held back.
            await EndWithErrorAsync(context, "upstream_error", "upstream_incomplete", $"The stream from upstream '{upstream.Name}' ended without [DONE].").ConfigureAwait(false);
            return;
        }
        // Choices the upstream ended with [DONE] but no finish_reason still hold guarded text back: release it before the end.
        if (!await FlushUnfinishedAsync(context, stream, audit).ConfigureAwait(false)) return;
        await SseWriter.WriteDoneAsync(context).ConfigureAwait(false);
    }

    /// <summary>Guards and restores one chunk's deltas and writes what may be released; false when a Block ended the stream.</summary>
    private static async Task<bool> RelayChunkAsync(HttpContext context, StreamState stream, JsonObject chunk, RequestAudit audit)
    {
        if (chunk["choices"] is not JsonArray choices || choices.Count == 0)
        {
            await SseWriter.WriteAsync(context, chunk).ConfigureAwait(false); // the usage chunk, or other metadata
            return true;
        }
        var format = stream.Format;
        foreach (var choice in choices.OfType<JsonObject>().ToList())
        {
            var relay = stream.Choice((int)(choice["index"].AsLong() ?? 0));
            var released = new StringBuilder();
            if (format.Text(choice) is { } text) released.Append(relay.PushContent(text));
            foreach (var (toolCall, arguments) in format.ToolCallArguments(choice)) arguments.Set(relay.PushArguments(toolCall, arguments.Get()));
            if (choice["finish_reason"].AsString() is not null && !relay.Finished)
            {
                var (rest, arguments) = relay.Finish();
                released.Append(rest);
                if (arguments.Count > 0) format.AppendArguments(choice, arguments);
            }
            audit.Guards.Add(relay.NewRedactions(), GuardAction.Redact);
            if (relay.Blocked is { } verdict)
            {
                await EndWithBlockAsync(context, verdict, audit).ConfigureAwait(false);
                return false;
            }
            format.SetText(choice, released.ToString());
            var keep = choice["finish_reason"] is not null || choice["logprobs"] is JsonObject || format.HasDelta(choice);
            if (!keep) choices.Remove(choice);
        }
        if (choices.Count > 0 || chunk["usage"] is JsonObject) await SseWriter.WriteAsync(context, chunk).ConfigureAwait(false);
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
                await EndWithBlockAsync(context, verdict, audit).ConfigureAwait(false);
                return false;
            }
            if (rest.Length == 0 && arguments.Count == 0) continue;
            var choice = stream.Format.NewChoice(index, rest);
            if (arguments.Count > 0) stream.Format.AppendArguments(choice, arguments);
            var chunk = stream.Envelope();
            chunk["choices"] = new JsonArray(choice);
            await SseWriter.WriteAsync(context, chunk).ConfigureAwait(false);
        }
        return true;
    }

    private static async Task EndWithBlockAsync(HttpContext context, Verdict verdict, RequestAudit audit)
    {
        audit.Guards.Add(verdict);
        var (rule, reason) = GuardFindings.BlockReason(verdict);
        await EndWithErrorAsync(context, OpenAIErrors.GuardType, rule, $"Bulwark stopped the model's answer: {reason} (rule {rule}, output guard).").ConfigureAwait(false);
    }

    /// <summary>Ends the stream as OpenAI does on a mid-stream failure: one <c>{"error": …}</c> event, then [DONE].</summary>
    private static async Task EndWithErrorAsync(HttpContext context, string type, string code, string message)
    {
        RequestAudit.For(context).Error = code;
        await SseWriter.WriteAsync(context, OpenAIErrors.Body(type, code, message)).ConfigureAwait(false);
        await SseWriter.WriteDoneAsync(context).ConfigureAwait(false);
    }

    /// <summary>The choices of one stream and the last chunk's envelope (id, model, created) for chunks the gateway adds.</summary>
    private sealed class StreamState(GuardedRequest request, int holdBack, ChoiceStreamFormat format)
    {
        private readonly SortedDictionary<int, ChoiceRelay> _choices = [];
        private JsonObject _envelope = new() { ["object"] = format.ChunkObject };

        public ChoiceStreamFormat Format => format;

        public ChoiceRelay Choice(int index)
        {
            if (!_choices.TryGetValue(index, out var relay))
                _choices[index] = relay = new ChoiceRelay(request.Guards.Pipelines.Output, request.OutputContext, request.Pseudonymizer, holdBack);
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
