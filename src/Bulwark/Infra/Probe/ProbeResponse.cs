using System.Text;
using System.Text.Json;

namespace Bulwark.Infra.Probe;

/// <summary>
/// One HTTP answer, already bounded: at most <see cref="ProbeOptions.MaxBodyBytes"/> of the body were read.
/// The text and the JSON view are decoded once, on first use; a truncated or invalid body simply has no JSON.
/// </summary>
public sealed class ProbeResponse
{
    private static readonly JsonDocumentOptions JsonLimits = new() { MaxDepth = 64 };
    private string? _text;
    private JsonElement? _json;
    private bool _jsonParsed;

    public ProbeResponse(int status, IReadOnlyDictionary<string, string> headers, ReadOnlyMemory<byte> body, bool truncated)
    {
        Status = status;
        Headers = headers;
        Body = body;
        Truncated = truncated;
    }

    public int Status { get; }

    /// <summary>Header names in lower case; repeated headers joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The server sent more than the probe reads.</summary>
    public bool Truncated { get; }

    public string Text => _text ??= Encoding.UTF8.GetString(Body.Span);

    /// <summary>The body as JSON, or null when it is not (complete) JSON.</summary>
    public JsonElement? Json
    {
        get
        {
            if (_jsonParsed) return _json;
            _jsonParsed = true;
            if (Truncated || Body.IsEmpty) return null;
            try
            {
                using var document = JsonDocument.Parse(Body, JsonLimits);
                _json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                _json = null;
            }
            return _json;
        }
    }

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}
