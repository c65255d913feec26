using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Guarding;
using Bulwark.Gateway.Http;
using Bulwark.Kernel.Guards;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// A streamed Responses API answer (<c>stream: true</c>): named events (<c>event: response.output_text.delta</c>, …)
/// rather than chunks. Each text part's deltas go through a <see cref="ChoiceRelay"/> (output guards with the bounded
/// hold-back, then placeholder restoring); the events that repeat the whole text (<c>.done</c>,
/// <c>content_part.done</c>, <c>output_item.done</c>, <c>response.completed</c>) get the text that was released, so
/// nothing held back or blocked shows up there. Function-call argument deltas get placeholders restored. The gateway
/// renumbers <c>sequence_number</c> (it adds and drops delta events). A Block, or an upstream that breaks off, ends
/// the stream with an <c>error</c> event; the stream is complete only with <c>response.completed</c> (or
/// <c>.incomplete</c>, <c>.failed</c>).
/// </summary>
public sealed class StreamingResponsesRelay(GatewayOptions options)
{
    internal async Task WriteAsync(HttpContext context, HttpResponseMessage response, UpstreamOptions upstream, GuardedRequest request)
    {
        using var body = await UpstreamFailure.OpenStreamAsync(context, response, upstream, options.Limits.UpstreamTimeout).ConfigureAwait(false);
        if (body is null) return;
        SseWriter.Start(context);

        var stream = new ResponseEventStream(context, request, options.Guards.StreamHoldBack);
        var reader = new SseReader(body);
        try
        {
            while (!stream.Ended && await reader.NextAsync().ConfigureAwait(false) is { } data && data != "[DONE]")
            {
                if (AnswerRelay.ParseObject(Encoding.UTF8.GetBytes(data)) is not { } evt || evt["type"].AsString() is not { } type)
                {
                    await stream.EndWithErrorAsync("upstream_invalid_response", $"The upstream '{upstream.Name}' sent an event that is not a Responses API event.").ConfigureAwait(false);
                    return;
                }
                if (type == "error")
                {
                    await stream.EndWithErrorAsync("upstream_error", $"The upstream '{upstream.Name}' reported an error mid-stream.").ConfigureAwait(false);
                    return;
                }
                if (!await stream.RelayAsync(evt, type).ConfigureAwait(false)) return;
            }
        }
        catch (Exception e) when (e is UpstreamIdleTimeoutException or InvalidDataException or IOException or HttpRequestException)
        {
            var code = e is UpstreamIdleTimeoutException ? "upstream_timeout" : "upstream_failed";
            await stream.EndWithErrorAsync(code, $"The stream from upstream '{upstream.Name}' broke off ({(e is UpstreamIdleTimeoutException ? "no data in time" : "read failed")}).").ConfigureAwait(false);
            return;
        }
        if (!stream.Ended)
            await stream.EndWithErrorAsync("upstream_incomplete", $"The stream from upstream '{upstream.Name}' ended without response.completed.").ConfigureAwait(false);
    }

    /// <summary>One stream's text parts, argument restorers and event numbering, and how each kind of event is relayed.</summary>
    private sealed class ResponseEventStream(HttpContext context, GuardedRequest request, int holdBack)
    {
        private readonly RequestAudit _audit = RequestAudit.For(context);
        private readonly Dictionary<TextPartKey, TextPart> _parts = [];
        private readonly Dictionary<int, PlaceholderRestorer> _arguments = [];
        private long _sequence;

        /// <summary>A terminal event (or an error) was written: nothing more goes to the client.</summary>
        public bool Ended { get; private set; }

        /// <summary>Relays one event; false when a Block ended the stream.</summary>
        public async Task<bool> RelayAsync(JsonObject evt, string type)
        {
            if (evt["response"] is JsonObject echoed) ResponseOutputShape.HideCanary(echoed, request.OutputContext);
            switch (type)
            {
                case "response.output_text.delta" or "response.refusal.delta" or "response.reasoning_text.delta" or "response.reasoning_summary_text.delta":
                    return await DeltaAsync(evt, type).ConfigureAwait(false);
                case "response.output_text.done" or "response.reasoning_text.done" or "response.reasoning_summary_text.done":
                    return await PartDoneAsync(evt, type, "text").ConfigureAwait(false);
                case "response.refusal.done":
                    return await PartDoneAsync(evt, type, "refusal").ConfigureAwait(false);
                case "response.content_part.done" or "response.reasoning_summary_part.done":
                    if (evt["part"] is JsonObject part && !await RewritePartAsync(part, Key(evt, type)).ConfigureAwait(false)) return false;
                    break;
                case "response.function_call_arguments.delta":
                    var restored = Arguments(evt).Push(evt["delta"].AsString() ?? "");
                    if (restored.Length == 0) return true;
                    evt["delta"] = restored;
                    break;
                case "response.function_call_arguments.done":
                    await FlushArgumentsAsync(evt).ConfigureAwait(false);
                    if (request.Pseudonymizer is { } p && evt["arguments"].AsString() is { } arguments) evt["arguments"] = PlaceholderRestorer.RestoreInJson(p, arguments);
                    break;
                case "response.output_item.done":
                    if (evt["item"] is JsonObject item && !await RewriteItemAsync(item, (int)(evt["output_index"].AsLong() ?? 0)).ConfigureAwait(false)) return false;
                    break;
                case "response.completed" or "response.incomplete" or "response.failed":
                    if (!await CompleteAsync(evt).ConfigureAwait(false)) return false;
                    if (type == "response.failed") _audit.Error = "upstream_error";
                    Ended = true;
                    break;
            }
            await WriteAsync(evt, type).ConfigureAwait(false);
            return true;
        }

        private async Task<bool> DeltaAsync(JsonObject evt, string type)
        {
            var part = Part(evt, type);
            var released = part.Push(evt["delta"].AsString() ?? "");
            if (!await ReportAsync(part).ConfigureAwait(false)) return false;
            if (released.Length == 0) return true; // held back for now
            evt["delta"] = released;
            await WriteAsync(evt, type).ConfigureAwait(false);
            return true;
        }

        private async Task<bool> PartDoneAsync(JsonObject evt, string type, string field)
        {
            if (!await RewriteTextAsync(evt, field, Key(evt, type)).ConfigureAwait(false)) return false;
            await WriteAsync(evt, type).ConfigureAwait(false);
            return true;
        }

        /// <summary>The final event: every part still holding text back is released first, then the whole output rewritten.</summary>
        private async Task<bool> CompleteAsync(JsonObject evt)
        {
            foreach (var part in _parts.Values.Where(p => !p.Finished).ToList())
            {
                if (!await FinishAsync(part).ConfigureAwait(false)) return false;
            }
            if (evt["response"] is not JsonObject response) return true;
            AnswerRelay.TakeUsage(_audit, response["usage"]);
            AnswerRelay.TakeModel(_audit, response);
            var output = response["output"] as JsonArray ?? [];
            for (var i = 0; i < output.Count; i++)
            {
                if (output[i] is JsonObject item && !await RewriteItemAsync(item, i).ConfigureAwait(false)) return false;
            }
            return true;
        }

        private async Task<bool> RewriteItemAsync(JsonObject item, int outputIndex)
        {
            foreach (var (key, slot) in ResponseOutputShape.TextsOf(item, outputIndex).ToList())
            {
                if (!await RewriteTextAsync(slot.Owner, slot.Property, key).ConfigureAwait(false)) return false;
            }
            if (request.Pseudonymizer is { } p)
            {
                foreach (var slot in ResponseOutputShape.ArgumentsOf(item)) slot.Set(PlaceholderRestorer.RestoreInJson(p, slot.Get()));
            }
            return true;
        }

        private Task<bool> RewritePartAsync(JsonObject part, TextPartKey key) => RewriteTextAsync(part, part["type"].AsString() == "refusal" ? "refusal" : "text", key);

        /// <summary>
        /// A whole text in an event that repeats it: the text released for that part when it was streamed (finishing
        /// the part first), else the text guarded whole. False when a guard blocked it and ended the stream.
        /// </summary>
        private async Task<bool> RewriteTextAsync(JsonObject owner, string field, TextPartKey key)
        {
            if (_parts.TryGetValue(key, out var part))
            {
                if (!await FinishAsync(part).ConfigureAwait(false)) return false;
                owner[field] = part.Released;
                return true;
            }
            if (owner[field].AsString() is not { } whole) return true;
            var (text, blocked) = AnswerRelay.GuardWhole(whole, request, _audit, context.RequestAborted);
            if (blocked is not null)
            {
                await EndWithBlockAsync(blocked).ConfigureAwait(false);
                return false;
            }
            owner[field] = text;
            return true;
        }

        /// <summary>Ends a part: its held-back text is guarded and released as one more delta event.</summary>
        private async Task<bool> FinishAsync(TextPart part)
        {
            if (part.Finished) return true;
            var rest = part.Finish();
            if (!await ReportAsync(part).ConfigureAwait(false)) return false;
            if (rest.Length == 0) return true;
            var delta = part.DeltaEvent(rest);
            await WriteAsync(delta, delta["type"]!.GetValue<string>()).ConfigureAwait(false);
            return true;
        }

        private async Task FlushArgumentsAsync(JsonObject done)
        {
            var index = (int)(done["output_index"].AsLong() ?? 0);
            if (!_arguments.Remove(index, out var restorer) || restorer.Complete() is not { Length: > 0 } rest) return;
            var delta = new JsonObject { ["type"] = "response.function_call_arguments.delta", ["item_id"] = done["item_id"]?.DeepClone(), ["output_index"] = index, ["delta"] = rest };
            await WriteAsync(delta, "response.function_call_arguments.delta").ConfigureAwait(false);
        }

        /// <summary>Audits the part's new redactions; ends the stream when its guard blocked (false).</summary>
        private async Task<bool> ReportAsync(TextPart part)
        {
            _audit.Guards.Add(part.Relay.NewRedactions(), GuardAction.Redact);
            if (part.Relay.Blocked is not { } verdict) return true;
            await EndWithBlockAsync(verdict).ConfigureAwait(false);
            return false;
        }

        private async Task EndWithBlockAsync(Verdict verdict)
        {
            _audit.Guards.Add(verdict);
            var (rule, reason) = GuardFindings.BlockReason(verdict);
            await EndWithErrorAsync(rule, $"Bulwark stopped the model's answer: {reason} (rule {rule}, output guard).").ConfigureAwait(false);
        }

        /// <summary>Ends the stream with the Responses API's <c>error</c> event: code (the rule id, for a guard), message, param.</summary>
        public async Task EndWithErrorAsync(string code, string message)
        {
            _audit.Error = code;
            Ended = true;
            var error = new JsonObject { ["type"] = "error", ["code"] = code, ["message"] = message, ["param"] = null };
            await WriteAsync(error, "error").ConfigureAwait(false);
        }

        private async Task WriteAsync(JsonObject evt, string type)
        {
            evt["sequence_number"] = _sequence++;
            await SseWriter.WriteAsync(context, evt, type).ConfigureAwait(false);
        }

        private TextPart Part(JsonObject evt, string type)
        {
            var key = Key(evt, type);
            if (!_parts.TryGetValue(key, out var part))
                _parts[key] = part = new TextPart(new ChoiceRelay(request.Guards.Pipelines.Output, request.OutputContext, request.Pseudonymizer, holdBack), evt);
            return part;
        }

        private PlaceholderRestorer Arguments(JsonObject evt)
        {
            var index = (int)(evt["output_index"].AsLong() ?? 0);
            if (!_arguments.TryGetValue(index, out var restorer)) _arguments[index] = restorer = new PlaceholderRestorer(request.Pseudonymizer, jsonString: true);
            return restorer;
        }

        private static TextPartKey Key(JsonObject evt, string type)
        {
            var summary = type.StartsWith("response.reasoning_summary_", StringComparison.Ordinal);
            var index = summary ? evt["summary_index"].AsLong() : evt["content_index"].AsLong();
            return new TextPartKey(summary ? TextPartKind.Summary : TextPartKind.Content, (int)(evt["output_index"].AsLong() ?? 0), (int)(index ?? 0));
        }
    }

    /// <summary>One streamed text part: its guard relay, the text released so far, and the first delta event (to shape the ones the gateway adds).</summary>
    private sealed class TextPart(ChoiceRelay relay, JsonObject firstDelta)
    {
        private readonly JsonObject _template = Template(firstDelta);
        private readonly StringBuilder _released = new();

        public ChoiceRelay Relay => relay;

        public bool Finished => relay.Finished;

        public string Released => _released.ToString();

        public string Push(string delta) => Keep(relay.PushContent(delta));

        public string Finish() => Keep(relay.Finish().Content);

        public JsonObject DeltaEvent(string delta)
        {
            var evt = (JsonObject)_template.DeepClone();
            evt["delta"] = delta;
            return evt;
        }

        private string Keep(string released)
        {
            _released.Append(released);
            return released;
        }

        private static JsonObject Template(JsonObject delta)
        {
            var template = new JsonObject();
            foreach (var name in (string[])["type", "item_id", "output_index", "content_index", "summary_index"])
            {
                if (delta[name] is { } value) template[name] = value.DeepClone();
            }
            return template;
        }
    }
}
