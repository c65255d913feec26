using System.Text.Json.Nodes;
using Bulwark.Gateway.Http;

namespace Bulwark.Gateway.Proxy;

/// <summary>
/// An Anthropic answer's token counts for the audit record and the token rate limits. Streams report them in pieces
/// (<c>message_start</c>: input; <c>message_delta</c>: the cumulative output, sometimes input again), so each field
/// keeps its latest value. Prompt tokens include the prompt-cache reads and writes: they are tokens the model read.
/// </summary>
internal sealed class AnthropicUsage
{
    private long? _input;
    private long? _cacheCreation;
    private long? _cacheRead;
    private long? _output;

    public void Take(RequestAudit audit, JsonNode? usage)
    {
        if (usage is not JsonObject u) return;
        _input = u["input_tokens"].AsLong() ?? _input;
        _cacheCreation = u["cache_creation_input_tokens"].AsLong() ?? _cacheCreation;
        _cacheRead = u["cache_read_input_tokens"].AsLong() ?? _cacheRead;
        _output = u["output_tokens"].AsLong() ?? _output;
        long? prompt = _input is null && _cacheCreation is null && _cacheRead is null ? null : (_input ?? 0) + (_cacheCreation ?? 0) + (_cacheRead ?? 0);
        audit.TakeUsage(prompt, _output, prompt + _output);
    }
}
