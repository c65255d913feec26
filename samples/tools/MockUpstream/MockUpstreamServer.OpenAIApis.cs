using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Samples.MockUpstream;

/// <summary>
/// The scripted model behind <c>/v1/completions</c>, <c>/v1/embeddings</c> and <c>/v1/responses</c>, with the chat
/// endpoint's markers: <c>[leak]</c>, <c>[repeat-system]</c> (the Responses API's <c>instructions</c>), <c>[tool]</c>
/// (a Responses <c>function_call</c>), <c>[slow]</c>, <c>[fail]</c>, <c>[garbage]</c>, <c>[cut]</c>. Answers echo the
/// prompt ("You said: …"; a tool output: "The tool said: …"); streams come in 4-character pieces; usage is reported
/// in each API's own naming. Every body lands in <see cref="Received"/> (unless load runs asked not to keep them).
/// </summary>
public sealed partial class MockUpstreamServer
{
    private const long Created = 1_700_000_000;

    private void MapOpenAIApis(WebApplication app)
    {
        app.MapPost("/v1/completions", CompletionsAsync);
        app.MapPost("/v1/embeddings", EmbeddingsAsync);
        app.MapPost("/v1/responses", ResponsesAsync);
    }

    private async Task<JsonObject> ReceiveAsync(HttpContext context)
    {
        var request = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false))!;
        if (_keepRequests)
        {
            Received.Enqueue(request);
            ReceivedAuthorization.Enqueue(context.Request.Headers.Authorization.ToString());
        }
        return request;
    }

    /// <summary>The failure markers every API shares; true when the answer has been written.</summary>
    private static async Task<bool> FailAsRequestedAsync(HttpContext context, string said)
    {
        if (said.Contains("[slow]", StringComparison.Ordinal)) await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ConfigureAwait(false);
        if (said.Contains("[fail]", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "the mock model failed", type = "server_error" } }).ConfigureAwait(false);
            return true;
        }
        if (said.Contains("[garbage]", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("<html>not json</html>").ConfigureAwait(false);
            return true;
        }
        return false;
    }

    private static string Answer(string said, string system, bool fromTool) =>
        said.Contains("[leak]", StringComparison.Ordinal) ? $"Sure. The deploy token is {LeakedToken} and it works everywhere."
        : said.Contains("[repeat-system]", StringComparison.Ordinal) ? $"My instructions are: {system}"
        : fromTool ? $"The tool said: {said}"
        : $"You said: {said}";

    private static List<string> Pieces(string text) =>
        Enumerable.Range(0, (text.Length + 3) / 4).Select(i => text.Substring(i * 4, Math.Min(4, text.Length - i * 4))).ToList();

    private static JsonObject Usage(string prompt, string answer, bool responses)
    {
        var input = prompt.Length / 4 + 1;
        var output = answer.Length / 4 + 1;
        return responses
            ? new JsonObject { ["input_tokens"] = input, ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 }, ["output_tokens"] = output, ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 }, ["total_tokens"] = input + output }
            : new JsonObject { ["prompt_tokens"] = input, ["completion_tokens"] = output, ["total_tokens"] = input + output };
    }

    private static async Task SendAsync(HttpContext context, JsonObject data, string? eventName = null)
    {
        await context.Response.WriteAsync((eventName is null ? "" : $"event: {eventName}\n") + "data: " + data.ToJsonString(Relaxed) + "\n\n").ConfigureAwait(false);
        await context.Response.Body.FlushAsync().ConfigureAwait(false);
    }

    // ---- POST /v1/completions: one choice per prompt, "You said: PROMPT".

    private async Task CompletionsAsync(HttpContext context)
    {
        var request = await ReceiveAsync(context).ConfigureAwait(false);
        var prompts = request["prompt"] is JsonArray list ? list.Select(p => (string?)p ?? "").ToList() : [(string?)request["prompt"] ?? ""];
        var all = string.Concat(prompts);
        if (await FailAsRequestedAsync(context, all).ConfigureAwait(false)) return;
        var answers = prompts.Select(p => Answer(p, "", fromTool: false)).ToList();
        var usage = Usage(all, string.Concat(answers), responses: false);

        if ((bool?)request["stream"] != true)
        {
            var choices = new JsonArray([.. answers.Select((a, i) => (JsonNode)new JsonObject { ["text"] = a, ["index"] = i, ["logprobs"] = null, ["finish_reason"] = "stop" })]);
            await context.Response.WriteAsJsonAsync(new JsonObject { ["id"] = "cmpl-mock", ["object"] = "text_completion", ["created"] = Created, ["model"] = ModelName, ["choices"] = choices, ["usage"] = usage }).ConfigureAwait(false);
            return;
        }
        context.Response.ContentType = "text/event-stream";
        var cut = all.Contains("[cut]", StringComparison.Ordinal);
        for (var i = 0; i < answers.Count; i++)
        {
            var pieces = Pieces(answers[i]);
            for (var p = 0; p < pieces.Count; p++)
            {
                if (cut && p == pieces.Count / 2) return; // the connection just ends: no finish_reason, no [DONE]
                await SendAsync(context, CompletionChunk(i, pieces[p], null)).ConfigureAwait(false);
            }
            await SendAsync(context, CompletionChunk(i, "", "stop")).ConfigureAwait(false);
        }
        if ((bool?)request["stream_options"]?["include_usage"] == true)
            await SendAsync(context, new JsonObject { ["id"] = "cmpl-mock", ["object"] = "text_completion", ["created"] = Created, ["model"] = ModelName, ["choices"] = new JsonArray(), ["usage"] = usage }).ConfigureAwait(false);
        await context.Response.WriteAsync("data: [DONE]\n\n").ConfigureAwait(false);
    }

    private static JsonObject CompletionChunk(int index, string text, string? finish) => new()
    {
        ["id"] = "cmpl-mock",
        ["object"] = "text_completion",
        ["created"] = Created,
        ["model"] = ModelName,
        ["choices"] = new JsonArray(new JsonObject { ["text"] = text, ["index"] = index, ["logprobs"] = null, ["finish_reason"] = finish }),
    };

    // ---- POST /v1/embeddings: an 8-dimension vector per input, derived from its text (float list or base64).

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var request = await ReceiveAsync(context).ConfigureAwait(false);
        var inputs = request["input"] is JsonArray list ? list.Select(p => p is JsonValue v && v.TryGetValue<string>(out var s) ? s : p!.ToJsonString()).ToList() : [(string?)request["input"] ?? ""];
        if (await FailAsRequestedAsync(context, string.Concat(inputs)).ConfigureAwait(false)) return;
        var base64 = (string?)request["encoding_format"] == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Vector(inputs[i]);
            JsonNode embedding = base64 ? Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray()) : new JsonArray([.. vector.Select(f => (JsonNode)f)]);
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }
        var tokens = inputs.Sum(t => t.Length / 4 + 1);
        await context.Response.WriteAsJsonAsync(new JsonObject { ["object"] = "list", ["data"] = data, ["model"] = ModelName, ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens } }).ConfigureAwait(false);
    }

    private static float[] Vector(string text)
    {
        var vector = new float[8];
        for (var i = 0; i < text.Length; i++) vector[i % 8] += text[i] / 128f;
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm == 0 ? vector : [.. vector.Select(v => v / norm)];
    }

    // ---- POST /v1/responses: a message item (or, with [tool], a function_call item); streams as named events.

    private async Task ResponsesAsync(HttpContext context)
    {
        var request = await ReceiveAsync(context).ConfigureAwait(false);
        var (said, fromTool) = LastInput(request["input"]);
        var instructions = (string?)request["instructions"] ?? "";
        if (await FailAsRequestedAsync(context, said).ConfigureAwait(false)) return;
        var answer = Answer(said, instructions, fromTool);
        var toolCall = said.Contains("[tool]", StringComparison.Ordinal);
        var arguments = JsonSerializer.Serialize(new { query = said }, Relaxed);
        var usage = Usage(instructions + said, toolCall ? arguments : answer, responses: true);
        var item = toolCall
            ? new JsonObject { ["type"] = "function_call", ["id"] = "fc_mock", ["call_id"] = "call_mock", ["name"] = "lookup", ["arguments"] = arguments, ["status"] = "completed" }
            : Message(answer, "completed");

        if ((bool?)request["stream"] != true)
        {
            await context.Response.WriteAsJsonAsync(Response(request, "completed", new JsonArray(item), usage)).ConfigureAwait(false);
            return;
        }
        context.Response.ContentType = "text/event-stream";
        var sequence = 0;
        async Task Send(string type, JsonObject data)
        {
            data["type"] = type;
            data["sequence_number"] = sequence++;
            await SendAsync(context, data, type).ConfigureAwait(false);
        }
        await Send("response.created", new JsonObject { ["response"] = Response(request, "in_progress", [], null) }).ConfigureAwait(false);
        await Send("response.in_progress", new JsonObject { ["response"] = Response(request, "in_progress", [], null) }).ConfigureAwait(false);
        var cut = said.Contains("[cut]", StringComparison.Ordinal);
        if (toolCall)
        {
            var added = (JsonObject)item.DeepClone();
            (added["arguments"], added["status"]) = ("", "in_progress");
            await Send("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = added }).ConfigureAwait(false);
            foreach (var piece in Pieces(arguments))
                await Send("response.function_call_arguments.delta", new JsonObject { ["item_id"] = "fc_mock", ["output_index"] = 0, ["delta"] = piece }).ConfigureAwait(false);
            await Send("response.function_call_arguments.done", new JsonObject { ["item_id"] = "fc_mock", ["output_index"] = 0, ["arguments"] = arguments }).ConfigureAwait(false);
        }
        else
        {
            await Send("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = Message(null, "in_progress") }).ConfigureAwait(false);
            var ids = new JsonObject { ["item_id"] = "msg_mock", ["output_index"] = 0, ["content_index"] = 0 };
            await Send("response.content_part.added", With(ids, "part", OutputText(""))).ConfigureAwait(false);
            var pieces = Pieces(answer);
            for (var p = 0; p < pieces.Count; p++)
            {
                if (cut && p == pieces.Count / 2) return; // the connection just ends: no response.completed
                await Send("response.output_text.delta", With(ids, "delta", pieces[p])).ConfigureAwait(false);
            }
            await Send("response.output_text.done", With(ids, "text", answer)).ConfigureAwait(false);
            await Send("response.content_part.done", With(ids, "part", OutputText(answer))).ConfigureAwait(false);
        }
        await Send("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = item.DeepClone() }).ConfigureAwait(false);
        await Send("response.completed", new JsonObject { ["response"] = Response(request, "completed", new JsonArray(item.DeepClone()), usage) }).ConfigureAwait(false);
    }

    /// <summary>The text the model answers: the input string, or the last input item (a message's text, or a tool's output).</summary>
    private static (string Said, bool FromTool) LastInput(JsonNode? input)
    {
        if (input is not JsonArray items) return ((string?)input ?? "", false);
        if (items.LastOrDefault() is not JsonObject last) return ("", false);
        if ((string?)last["type"] is { } type && type.EndsWith("_output", StringComparison.Ordinal))
            return (last["output"] is JsonArray parts ? string.Concat(parts.OfType<JsonObject>().Select(p => (string?)p["text"] ?? "")) : (string?)last["output"] ?? "", true);
        return (Text(last), false);
    }

    private static JsonObject With(JsonObject ids, string name, JsonNode value)
    {
        var data = (JsonObject)ids.DeepClone();
        data[name] = value;
        return data;
    }

    private static JsonObject OutputText(string text) => new() { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() };

    private static JsonObject Message(string? text, string status) => new()
    {
        ["type"] = "message",
        ["id"] = "msg_mock",
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = text is null ? new JsonArray() : new JsonArray(OutputText(text)),
    };

    /// <summary>A response object as OpenAI shapes it; it echoes the request's instructions, as the real API does.</summary>
    private static JsonObject Response(JsonObject request, string status, JsonArray output, JsonObject? usage) => new()
    {
        ["id"] = "resp_mock",
        ["object"] = "response",
        ["created_at"] = Created,
        ["status"] = status,
        ["error"] = null,
        ["incomplete_details"] = null,
        ["instructions"] = request["instructions"]?.DeepClone(),
        ["max_output_tokens"] = null,
        ["model"] = ModelName,
        ["output"] = output,
        ["parallel_tool_calls"] = true,
        ["previous_response_id"] = null,
        ["reasoning"] = new JsonObject { ["effort"] = null, ["summary"] = null },
        ["store"] = true,
        ["temperature"] = 1.0,
        ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
        ["tool_choice"] = "auto",
        ["tools"] = request["tools"]?.DeepClone() ?? new JsonArray(),
        ["top_p"] = 1.0,
        ["truncation"] = "disabled",
        ["usage"] = usage,
        ["user"] = null,
        ["metadata"] = new JsonObject(),
    };
}
