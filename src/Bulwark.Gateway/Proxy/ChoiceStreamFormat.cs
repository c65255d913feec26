using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// Where a streamed choice keeps its text: chat completions in <c>delta.content</c> (with <c>delta.tool_calls</c>),
/// legacy completions in <c>text</c>. <see cref="StreamingChoicesRelay"/> is the same for both otherwise.
/// </summary>
internal abstract class ChoiceStreamFormat
{
    public static readonly ChoiceStreamFormat Chat = new ChatDeltaFormat();
    public static readonly ChoiceStreamFormat Completion = new CompletionTextFormat();

    /// <summary>The chunk's <c>object</c>, for chunks the gateway adds.</summary>
    public abstract string ChunkObject { get; }

    /// <summary>What a chunk is, for the error when an event is something else.</summary>
    public abstract string ChunkName { get; }

    /// <summary>The text this choice adds, if any.</summary>
    public abstract string? Text(JsonObject choice);

    /// <summary>Puts back the text the guards released (possibly less, or none, while they hold some back).</summary>
    public abstract void SetText(JsonObject choice, string released);

    /// <summary>Whether the choice still carries something worth sending once its held-back text is taken out.</summary>
    public abstract bool HasDelta(JsonObject choice);

    /// <summary>A choice the gateway adds to release held-back text at the end.</summary>
    public abstract JsonObject NewChoice(int index, string text);

    /// <summary>Each tool call's argument fragment in this choice (chat only).</summary>
    public virtual IEnumerable<(int ToolCall, JsonTextSlot Arguments)> ToolCallArguments(JsonObject choice) => [];

    /// <summary>Adds held-back argument text of each tool call (chat only).</summary>
    public virtual void AppendArguments(JsonObject choice, IReadOnlyList<(int ToolCall, string Arguments)> arguments)
    {
    }

    private sealed class ChatDeltaFormat : ChoiceStreamFormat
    {
        public override string ChunkObject => "chat.completion.chunk";

        public override string ChunkName => "a chat completion chunk";

        public override string? Text(JsonObject choice) => choice["delta"]?["content"].AsString();

        public override void SetText(JsonObject choice, string released)
        {
            if (choice["delta"] is not JsonObject delta) return;
            if (released.Length > 0) delta["content"] = released;
            else if (delta.ContainsKey("content") && delta["content"] is not null) delta.Remove("content");
        }

        public override bool HasDelta(JsonObject choice) => choice["delta"] is JsonObject { Count: > 0 };

        public override JsonObject NewChoice(int index, string text)
        {
            var delta = new JsonObject();
            if (text.Length > 0) delta["content"] = text;
            return new JsonObject { ["index"] = index, ["delta"] = delta, ["finish_reason"] = null };
        }

        public override IEnumerable<(int ToolCall, JsonTextSlot Arguments)> ToolCallArguments(JsonObject choice)
        {
            foreach (var call in (choice["delta"]?["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var slot in JsonTextSlot.Of(call["function"] as JsonObject, "arguments")) yield return ((int)(call["index"].AsLong() ?? 0), slot);
            }
        }

        public override void AppendArguments(JsonObject choice, IReadOnlyList<(int ToolCall, string Arguments)> arguments)
        {
            if (choice["delta"] is not JsonObject delta) choice["delta"] = delta = [];
            if (delta["tool_calls"] is not JsonArray calls) delta["tool_calls"] = calls = [];
            foreach (var (toolCall, text) in arguments) calls.Add(new JsonObject { ["index"] = toolCall, ["function"] = new JsonObject { ["arguments"] = text } });
        }
    }

    private sealed class CompletionTextFormat : ChoiceStreamFormat
    {
        public override string ChunkObject => "text_completion";

        public override string ChunkName => "a text completion chunk";

        public override string? Text(JsonObject choice) => choice["text"].AsString();

        public override void SetText(JsonObject choice, string released) => choice["text"] = released;

        public override bool HasDelta(JsonObject choice) => choice["text"].AsString() is { Length: > 0 };

        public override JsonObject NewChoice(int index, string text) => new() { ["index"] = index, ["text"] = text, ["logprobs"] = null, ["finish_reason"] = null };
    }
}
