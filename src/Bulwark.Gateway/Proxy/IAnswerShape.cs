using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Proxy;

/// <summary>Where an API's whole answer keeps the texts the output guards read, and the tool-call arguments that only get placeholders restored.</summary>
internal interface IAnswerShape
{
    /// <summary>What the answer is, for the error when it is something else ("a chat completion").</summary>
    string Name { get; }

    IEnumerable<JsonTextSlot> Texts(JsonObject answer);

    IEnumerable<JsonTextSlot> Arguments(JsonObject answer);

    /// <summary>Takes out what the gateway added to the request and the answer echoes back (the Responses API echoes its instructions, canary and all).</summary>
    void HideGatewayAdditions(JsonObject answer, GuardedRequest request)
    {
    }
}

/// <summary>A chat completion: each choice's message content; its tool calls' arguments.</summary>
internal sealed class ChatCompletionShape : IAnswerShape
{
    public static readonly ChatCompletionShape Instance = new();

    public string Name => "a chat completion";

    public IEnumerable<JsonTextSlot> Texts(JsonObject answer) => Messages(answer).SelectMany(m => JsonTextSlot.Of(m, "content"));

    public IEnumerable<JsonTextSlot> Arguments(JsonObject answer) =>
        Messages(answer).SelectMany(m => (m["tool_calls"] as JsonArray ?? []).OfType<JsonObject>()).SelectMany(c => JsonTextSlot.Of(c["function"] as JsonObject, "arguments"));

    private static IEnumerable<JsonObject> Messages(JsonObject answer) => (answer["choices"] as JsonArray ?? []).OfType<JsonObject>().Select(c => c["message"]).OfType<JsonObject>();
}

/// <summary>A legacy text completion: each choice's <c>text</c>.</summary>
internal sealed class TextCompletionShape : IAnswerShape
{
    public static readonly TextCompletionShape Instance = new();

    public string Name => "a text completion";

    public IEnumerable<JsonTextSlot> Texts(JsonObject answer) => (answer["choices"] as JsonArray ?? []).OfType<JsonObject>().SelectMany(c => JsonTextSlot.Of(c, "text"));

    public IEnumerable<JsonTextSlot> Arguments(JsonObject answer) => [];
}

/// <summary>Embeddings: vectors, no text to guard or restore; only the usage matters on the way back.</summary>
internal sealed class EmbeddingListShape : IAnswerShape
{
    public static readonly EmbeddingListShape Instance = new();

    public string Name => "an embedding list";

    public IEnumerable<JsonTextSlot> Texts(JsonObject answer) => [];

    public IEnumerable<JsonTextSlot> Arguments(JsonObject answer) => [];
}
